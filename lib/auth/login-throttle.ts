import "server-only";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { getDb } from "@/lib/db";

// Better Auth throttles sign-in per client IP. This adds the per-account half: after
// MAX_FAILURES wrong passwords for one email within WINDOW_MS, that email is refused until
// the window has passed, whichever address the attempts come from.

export const MAX_FAILURES = 5;
export const WINDOW_MS = 60_000;

function emailOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("email" in body)) return null;
  const email = (body as { email: unknown }).email;
  return typeof email === "string" ? email.trim().toLowerCase() : null;
}

export async function recentFailures(email: string, now = Date.now()): Promise<number> {
  const db = await getDb();
  const row = await db
    .selectFrom("login_failure")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("email", "=", email)
    .where("at", ">", now - WINDOW_MS)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export const loginThrottleHooks = {
  before: createAuthMiddleware(async (ctx) => {
    if (ctx.path !== "/sign-in/email") return;
    const email = emailOf(ctx.body);
    if (email && (await recentFailures(email)) >= MAX_FAILURES) {
      throw new APIError("TOO_MANY_REQUESTS", {
        message: "Too many failed sign-ins for this account. Wait a minute and try again.",
      });
    }
  }),
  after: createAuthMiddleware(async (ctx) => {
    if (ctx.path !== "/sign-in/email") return;
    const email = emailOf(ctx.body);
    if (!email) return;
    const db = await getDb();
    if (isAPIError(ctx.context.returned)) {
      await db.insertInto("login_failure").values({ email, at: Date.now() }).execute();
    } else {
      await db.deleteFrom("login_failure").where("email", "=", email).execute();
    }
  }),
};

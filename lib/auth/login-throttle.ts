import "server-only";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { getDb } from "@/lib/db";
import { logger } from "@/lib/log";

// Better Auth throttles sign-in per client IP. This adds the per-account half: after
// MAX_FAILURES wrong passwords for one email within WINDOW_MS, that email is refused until
// the window has passed, whichever address the attempts come from.

export const MAX_FAILURES = 5;
export const WINDOW_MS = 60_000;

function ensureTable(): void {
  getDb().exec(
    "CREATE TABLE IF NOT EXISTS login_failure (email TEXT NOT NULL, at INTEGER NOT NULL); " +
      "CREATE INDEX IF NOT EXISTS login_failure_email_at ON login_failure (email, at);",
  );
}

function emailOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("email" in body)) return null;
  const email = (body as { email: unknown }).email;
  return typeof email === "string" ? email.trim().toLowerCase() : null;
}

export function recentFailures(email: string, now = Date.now()): number {
  ensureTable();
  const row = getDb()
    .prepare("SELECT count(*) AS n FROM login_failure WHERE email = ? AND at > ?")
    .get(email, now - WINDOW_MS) as { n: number };
  return row.n;
}

export const loginThrottleHooks = {
  before: createAuthMiddleware(async (ctx) => {
    if (ctx.path !== "/sign-in/email") return;
    const email = emailOf(ctx.body);
    if (email && recentFailures(email) >= MAX_FAILURES) {
      logger().warn({ event: "sign-in", user: email, outcome: "throttled" }, "sign-in refused: too many failures for this account");
      throw new APIError("TOO_MANY_REQUESTS", {
        message: "Too many failed sign-ins for this account. Wait a minute and try again.",
      });
    }
  }),
  after: createAuthMiddleware(async (ctx) => {
    if (ctx.path !== "/sign-in/email") return;
    const email = emailOf(ctx.body);
    if (!email) return;
    ensureTable();
    const db = getDb();
    if (isAPIError(ctx.context.returned)) {
      db.prepare("INSERT INTO login_failure (email, at) VALUES (?, ?)").run(email, Date.now());
      logger().warn({ event: "sign-in", user: email, outcome: "failure" }, "sign-in failed");
    } else {
      db.prepare("DELETE FROM login_failure WHERE email = ?").run(email);
      logger().info({ event: "sign-in", user: email, outcome: "success" }, "signed in");
    }
  }),
};

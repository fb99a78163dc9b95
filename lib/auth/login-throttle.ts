import "server-only";
import crypto from "node:crypto";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { sql } from "kysely";
import { type Db, getDb } from "@/lib/db";
import { logger } from "@/lib/log";

// Better Auth throttles sign-in per client address. This adds the per-account half: at most
// MAX_ATTEMPTS sign-ins for one email are evaluated within WINDOW_MS of the first, whichever
// addresses they come from; a successful one starts over.
//
// Each attempt is counted *before* its password is checked, in one statement that also
// returns the count, so attempts sent in parallel cannot all pass the check before any of
// them is counted. Rows hold a hash of the email, never the email, and are pruned once their
// window has passed: made-up emails cannot fill the database.

const MAX_ATTEMPTS = 5;
export const WINDOW_MS = 60_000;
/** The longest address SMTP allows; anything longer is not an account. */
const MAX_EMAIL_LENGTH = 254;

function emailOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("email" in body)) return null;
  const email = (body as { email: unknown }).email;
  return typeof email === "string" ? email.trim().toLowerCase() : null;
}

function keyOf(email: string): string {
  return crypto.createHash("sha256").update(email).digest("base64url");
}

/**
 * Counts one attempt for the account and returns how many its current window holds. The
 * upsert is one statement on either database: concurrent attempts for one account (from
 * any instance) each see the others' counts.
 */
export async function countAttempt(email: string, now = Date.now(), db?: Db): Promise<number> {
  const cutoff = now - WINDOW_MS;
  const target = db ?? (await getDb());
  return target.transaction().execute(async (trx) => {
    await trx.deleteFrom("login_attempt").where("window_start", "<=", cutoff).execute();
    const row = await trx
      .insertInto("login_attempt")
      .values({ key_hash: keyOf(email), window_start: now, attempts: 1 })
      .onConflict((oc) =>
        oc.column("key_hash").doUpdateSet({
          attempts: sql<number>`CASE WHEN ${sql.ref("login_attempt.window_start")} <= ${cutoff} THEN 1 ELSE ${sql.ref("login_attempt.attempts")} + 1 END`,
          window_start: sql<number>`CASE WHEN ${sql.ref("login_attempt.window_start")} <= ${cutoff} THEN ${now} ELSE ${sql.ref("login_attempt.window_start")} END`,
        }),
      )
      .returning("attempts")
      .executeTakeFirstOrThrow();
    return Number(row.attempts);
  });
}

/** After a successful sign-in the account starts over. */
export async function clearAttempts(email: string, db?: Db): Promise<void> {
  await (db ?? (await getDb())).deleteFrom("login_attempt").where("key_hash", "=", keyOf(email)).execute();
}

export const loginThrottleHooks = {
  before: createAuthMiddleware(async (ctx) => {
    if (ctx.path !== "/sign-in/email") return;
    const email = emailOf(ctx.body);
    if (email === null) return;
    if (email.length > MAX_EMAIL_LENGTH) {
      throw new APIError("BAD_REQUEST", { message: "That is not an email address." });
    }
    if ((await countAttempt(email)) > MAX_ATTEMPTS) {
      logger().warn({ event: "sign-in", user: email, outcome: "throttled" }, "sign-in refused: too many attempts for this account");
      throw new APIError("TOO_MANY_REQUESTS", {
        message: "Too many failed sign-ins for this account. Wait a minute and try again.",
      });
    }
  }),
  after: createAuthMiddleware(async (ctx) => {
    if (ctx.path !== "/sign-in/email") return;
    const email = emailOf(ctx.body);
    if (email === null || email.length > MAX_EMAIL_LENGTH) return;
    if (isAPIError(ctx.context.returned)) {
      logger().warn({ event: "sign-in", user: email, outcome: "failure" }, "sign-in failed");
    } else {
      await clearAttempts(email);
      logger().info({ event: "sign-in", user: email, outcome: "success" }, "signed in");
    }
  }),
};

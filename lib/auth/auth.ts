import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { nextCookies } from "better-auth/next-js";
import { admin } from "better-auth/plugins";
import { adminAc, userAc } from "better-auth/plugins/admin/access";
import { dbFilePath, getEnv } from "@/lib/env";
import { databaseConnection, getDb } from "@/lib/db";
import { withSchemaLock } from "@/lib/db/dialect";
import { loginThrottleHooks } from "@/lib/auth/login-throttle";

// Sign-in, sessions, roles and rate limiting come from Better Auth; we only configure it.
// Users are created by an admin (UI or `npm run user`), never by open sign-up.

/** The signing secret: from env, else generated once and kept beside the database. */
function authSecret(): string {
  const fromEnv = getEnv().BETTER_AUTH_SECRET;
  if (fromEnv) return fromEnv;
  const file = path.join(path.dirname(dbFilePath()), "auth-secret");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  return fs.readFileSync(file, "utf8").trim();
}

function createAuth() {
  const env = getEnv();
  const baseURL = env.BETTER_AUTH_URL;
  // Better Auth runs on our Kysely instance: its users, sessions and rate limits live in the
  // same database as the ledger (SQLite, or PostgreSQL shared by every instance).
  const { db, dialect } = databaseConnection();
  return betterAuth({
    appName: "Reclaim",
    database: { db, type: dialect, transaction: true },
    secret: authSecret(),
    baseURL,
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8 },
    session: { expiresIn: 60 * 60 * 8, updateAge: 60 * 60 },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 300,
      customRules: { "/sign-in/email": { window: 60, max: 20 } },
    },
    advanced: {
      useSecureCookies: baseURL?.startsWith("https://") ?? false,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
    },
    hooks: loginThrottleHooks,
    // Our two roles: "viewer" has Better Auth's plain-user rights, "admin" its admin rights.
    plugins: [
      admin({ defaultRole: "viewer", adminRoles: ["admin"], roles: { admin: adminAc, viewer: userAc } }),
      nextCookies(),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { reclaimAuth?: Auth; reclaimAuthReady?: Promise<void> };

export function getAuth(): Auth {
  globalForAuth.reclaimAuth ??= createAuth();
  return globalForAuth.reclaimAuth;
}

/** Creates or updates Better Auth's tables (users, accounts, sessions, rate limits). */
export async function ensureAuthSchema(): Promise<void> {
  const { runMigrations } = await getMigrations(getAuth().options);
  await runMigrations();
}

/** Creates or updates Better Auth's tables, then the first admin from env when no user exists. */
export function ensureAuthReady(): Promise<void> {
  globalForAuth.reclaimAuthReady ??= (async () => {
    const auth = getAuth();
    const db = await getDb();
    // Several instances may start at once on one PostgreSQL: one creates the tables (and the
    // first admin), the others wait and find them there.
    await withSchemaLock(db, async () => {
      await ensureAuthSchema();
      const { RECLAIM_ADMIN_EMAIL: email, RECLAIM_ADMIN_PASSWORD: password } = getEnv();
      const users = await db.selectFrom("user").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      if (email && password && Number(users.n) === 0) {
        await auth.api.createUser({ body: { email, password, name: "Administrator", role: "admin" } });
      }
    });
  })();
  return globalForAuth.reclaimAuthReady;
}

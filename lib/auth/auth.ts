import "server-only";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { nextCookies } from "better-auth/next-js";
import { admin } from "better-auth/plugins";
import { createAccessControl } from "better-auth/plugins/access";
import { defaultStatements } from "better-auth/plugins/admin/access";
import { dbFilePath, getEnv, oidcSettings } from "@/lib/env";
import { databaseConnection, getDb } from "@/lib/db";
import { withSchemaLock } from "@/lib/db/dialect";
import { isLoopbackHost } from "@/lib/loopback";
import { CLIENT_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { loginThrottleHooks } from "@/lib/auth/login-throttle";
import { passwordSignInGate } from "@/lib/auth/password-signin";
import { ssoDatabaseHooks, ssoPlugin, ssoSignInGate, ssoValidateUserInfo } from "@/lib/auth/sso";
import { installUserRules, userRuleHooks } from "@/lib/auth/user-rules";

// Sign-in, sessions, roles and rate limiting come from Better Auth; we only configure it.
// Users are created by an admin (UI or `npm run user`), never by open sign-up — except through
// single sign-on when configured, where the identity provider's groups decide (lib/auth/sso.ts).
// Over HTTP only sign-in, sign-out and get-session are reachable, plus the identity provider's
// sign-in and callback when single sign-on is configured (app/api/auth/[...all]/route.ts); the
// Users page calls what it needs on the server (lib/users.ts).

// Better Auth's admin API, cut down to what lib/users.ts asks of it: list users, and create
// one with a role. No impersonation, password setting or deletion, even when called on the
// server with an admin's headers. Role changes and disabling are lib/users.ts's own.
const accessControl = createAccessControl(defaultStatements);
const roles = {
  admin: accessControl.newRole({ user: ["create", "list", "set-role"], session: [] }),
  viewer: accessControl.newRole({ user: [], session: [] }),
};

/** The signing secret: from env, else generated once and kept beside the database. */
function authSecret(): string {
  const fromEnv = getEnv().BETTER_AUTH_SECRET;
  if (fromEnv) return fromEnv;
  const file = path.join(/*turbopackIgnore: true*/ path.dirname(dbFilePath()), "auth-secret");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  return fs.readFileSync(file, "utf8").trim();
}

/**
 * Cookies are Secure unless the dashboard's URL is plain http on this machine (a local run,
 * where browsers accept no Secure cookie over http). A plain-http URL on any other host
 * still gets Secure cookies: put it behind https.
 */
function secureCookies(publicUrl: string | undefined): boolean {
  if (!publicUrl) return false; // development only: production refuses to start without a URL
  const url = new URL(publicUrl);
  return url.protocol === "https:" || !isLoopbackHost(url.hostname);
}

function createAuth() {
  const env = getEnv();
  const baseURL = env.BETTER_AUTH_URL;
  // Better Auth runs on our Kysely instance: its users, sessions and rate limits live in the
  // same database as the ledger (SQLite, or PostgreSQL shared by every instance).
  const { db, dialect } = databaseConnection();
  const sso = oidcSettings(env);
  return betterAuth({
    appName: "Reclaim",
    database: { db, type: dialect, transaction: true },
    secret: authSecret(),
    baseURL,
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: 8 },
    // A fixed 8 hours from sign-in, never extended by use: a role or group taken away at the
    // identity provider (or a disabled user's last session) ends within that time.
    session: { expiresIn: 60 * 60 * 8, disableSessionRefresh: true },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 300,
      // Better Auth's default for every /sign-in path is 3 per 10 s per address, which a team
      // behind one NAT (or one tab signing in again) reaches through single sign-on at once.
      customRules: { "/sign-in/email": { window: 60, max: 20 }, "/sign-in/social": { window: 60, max: 20 } },
    },
    advanced: {
      useSecureCookies: secureCookies(baseURL),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
      // Set by app/api/auth/[...all]/route.ts from the connection, replacing any sent value.
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
    },
    hooks: loginThrottleHooks,
    databaseHooks: {
      user: ssoDatabaseHooks.user,
      session: {
        create: {
          async before(session, context) {
            await userRuleHooks.session.create.before(session);
            await ssoDatabaseHooks.session.create.before(session, context);
          },
        },
      },
    },
    // Sign-in errors from the identity provider's callback land on the sign-in page, which says
    // what went wrong (?error=…).
    onAPIError: { errorURL: "/login" },
    ...(sso && {
      user: { validateUserInfo: ssoValidateUserInfo(sso) },
      // A local user whose email the provider signs in is linked to it (the operator chose to
      // trust this provider); from then on their role follows the provider's groups.
      // An existing local account is joined to the provider's account only when the provider
      // says the email is verified (email_verified); otherwise someone who can set their own
      // email at the provider could take over a local account, the break-glass admin included.
      account: { accountLinking: { enabled: true, requireLocalEmailVerified: false } },
    }),
    plugins: [
      admin({ defaultRole: "viewer", adminRoles: ["admin"], roles }),
      passwordSignInGate,
      ...(sso ? [ssoPlugin(sso), ssoSignInGate] : []),
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

/** Creates or updates Better Auth's tables (users, accounts, sessions, rate limits) and the user rules. */
export async function ensureAuthSchema(): Promise<void> {
  const { runMigrations } = await getMigrations(getAuth().options);
  await runMigrations();
  await installUserRules(await getDb());
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

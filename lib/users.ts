import "server-only";
import { headers } from "next/headers";
import { getAuth } from "@/lib/auth/auth";
import { toRole, type Role } from "@/lib/auth/roles";
import type { SessionUser } from "@/lib/auth/session";
import { isLastAdminError, lockUserChanges } from "@/lib/auth/user-rules";
import { type Db, getDb } from "@/lib/db";
import { isBreakGlass } from "@/lib/auth/password-signin";
import { OIDC_PROVIDER_ID } from "@/lib/auth/oidc";
import { getEnv, oidcSettings } from "@/lib/env";
import { KnownError } from "@/lib/errors";
import { logger } from "@/lib/log";

// User administration. Listing and creating go through Better Auth's admin API with the
// admin's own request headers, so Better Auth applies its permission checks as well as ours.
// Role changes and disabling are one transaction each: the acting admin is re-read
// inside it (an admin demoted a moment ago can no longer act), and the database's own rule
// (lib/auth/user-rules.ts) refuses any change that would leave no active admin.

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  banned: boolean;
  createdAt: string;
  /** How they can sign in, e.g. "Password (break-glass)", "Keycloak", "Password (turned off), Keycloak". */
  signIn: string;
}

/** Each user's ways to sign in, from their Better Auth accounts and the password setting. */
async function signInMethods(users: { id: string; email: string }[]): Promise<Map<string, string>> {
  const rows = await (await getDb()).selectFrom("account").select(["userId", "providerId"]).execute();
  const providers = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = providers.get(row.userId) ?? new Set<string>();
    set.add(row.providerId);
    providers.set(row.userId, set);
  }
  const passwordsOn = getEnv().RECLAIM_PASSWORD_SIGNIN === "on";
  const ssoName = oidcSettings()?.name ?? "single sign-on";
  const result = new Map<string, string>();
  for (const user of users) {
    const own = providers.get(user.id) ?? new Set<string>();
    const methods: string[] = [];
    if (own.has("credential")) {
      methods.push(isBreakGlass(user.email) ? "Password (break-glass)" : passwordsOn ? "Password" : "Password (turned off)");
    }
    if (own.has(OIDC_PROVIDER_ID)) methods.push(ssoName);
    result.set(user.id, methods.join(", ") || "None");
  }
  return result;
}

class UserAdminError extends KnownError {
  override name = "UserAdminError";
  constructor(message: string) {
    super("user-admin", message);
  }
}

function reason(error: unknown): string {
  if (error && typeof error === "object" && "body" in error) {
    const body = (error as { body?: { message?: string } }).body;
    if (body?.message) return body.message;
  }
  return error instanceof Error ? error.message : "unknown error";
}

export async function listUsers(): Promise<UserSummary[]> {
  const result = await getAuth().api.listUsers({ query: { limit: 500, sortBy: "createdAt" }, headers: await headers() });
  const methods = await signInMethods(result.users);
  return result.users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: toRole(u.role),
    banned: Boolean(u.banned),
    createdAt: new Date(u.createdAt).toISOString(),
    signIn: methods.get(u.id) ?? "None",
  }));
}

export async function createUser(input: { email: string; name: string; password: string; role: Role }): Promise<void> {
  try {
    await getAuth().api.createUser({ body: input, headers: await headers() });
  } catch (error) {
    throw new UserAdminError(`Could not create ${input.email}: ${reason(error)}`);
  }
}

interface UserRow {
  id: string;
  email: string;
  role: string | null;
  banned: boolean | number | null;
}

type Actor = Pick<SessionUser, "id" | "email">;

/** Runs `change` in one write-locked transaction after checking the actor. */
async function asActiveAdmin<T>(actor: Actor, targetId: string, change: (trx: Db, target: UserRow) => Promise<T>): Promise<T> {
  const db = await getDb();
  const read = (trx: Db, id: string) =>
    trx.selectFrom("user").select(["id", "email", "role", "banned"]).where("id", "=", id).executeTakeFirst();
  try {
    return await db.transaction().execute(async (trx) => {
      await lockUserChanges(trx);
      const self = await read(trx, actor.id);
      if (!self || toRole(self.role) !== "admin" || self.banned) {
        throw new UserAdminError("You are no longer an active admin; nothing was changed.");
      }
      const target = await read(trx, targetId);
      if (!target) throw new UserAdminError("That user does not exist (any more).");
      return change(trx, target);
    });
  } catch (error) {
    if (isLastAdminError(error)) {
      throw new UserAdminError("That would leave no active admin: make another user admin first.");
    }
    throw error;
  }
}

export async function setRole(actor: Actor, userId: string, role: Role): Promise<void> {
  if (userId === actor.id && role !== "admin") {
    throw new UserAdminError("You cannot remove your own admin role; ask another admin.");
  }
  await asActiveAdmin(actor, userId, async (trx, target) => {
    await trx.updateTable("user").set({ role, updatedAt: new Date().toISOString() }).where("id", "=", target.id).execute();
    logger().info({ event: "user-admin", user: actor.email, target: target.email, role }, "role changed");
  });
}

/** Signs the user out everywhere and blocks sign-in; their history stays. */
export async function disableUser(actor: Actor, userId: string): Promise<void> {
  if (userId === actor.id) throw new UserAdminError("You cannot disable your own account.");
  await asActiveAdmin(actor, userId, async (trx, target) => {
    // 1 / 0 bind on both databases (PostgreSQL reads '1' as true for its boolean column).
    await trx
      .updateTable("user")
      .set({ banned: 1, banReason: `Disabled by ${actor.email}`, banExpires: null, updatedAt: new Date().toISOString() })
      .where("id", "=", target.id)
      .execute();
    await trx.deleteFrom("session").where("userId", "=", target.id).execute();
    logger().info({ event: "user-admin", user: actor.email, target: target.email }, "user disabled");
  });
}

export async function enableUser(actor: Actor, userId: string): Promise<void> {
  await asActiveAdmin(actor, userId, async (trx, target) => {
    await trx
      .updateTable("user")
      .set({ banned: 0, banReason: null, banExpires: null, updatedAt: new Date().toISOString() })
      .where("id", "=", target.id)
      .execute();
    logger().info({ event: "user-admin", user: actor.email, target: target.email }, "user enabled");
  });
}

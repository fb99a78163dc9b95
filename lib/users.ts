import "server-only";
import { headers } from "next/headers";
import { getAuth } from "@/lib/auth/auth";
import { toRole, type Role } from "@/lib/auth/roles";

// User administration through Better Auth's admin API, called with the admin's own
// request headers so Better Auth applies its own permission checks as well as ours.

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  banned: boolean;
  createdAt: string;
}

export class UserAdminError extends Error {
  override name = "UserAdminError";
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
  return result.users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: toRole(u.role),
    banned: Boolean(u.banned),
    createdAt: new Date(u.createdAt).toISOString(),
  }));
}

export async function createUser(input: { email: string; name: string; password: string; role: Role }): Promise<void> {
  try {
    await getAuth().api.createUser({ body: input, headers: await headers() });
  } catch (error) {
    throw new UserAdminError(`Could not create ${input.email}: ${reason(error)}`);
  }
}

export async function setRole(userId: string, role: Role): Promise<void> {
  try {
    await getAuth().api.setRole({ body: { userId, role }, headers: await headers() });
  } catch (error) {
    throw new UserAdminError(`Could not change the role: ${reason(error)}`);
  }
}

/** Signs the user out everywhere and blocks sign-in; their history stays. */
export async function disableUser(userId: string): Promise<void> {
  try {
    await getAuth().api.banUser({ body: { userId, banReason: "Disabled by an admin" }, headers: await headers() });
  } catch (error) {
    throw new UserAdminError(`Could not disable the user: ${reason(error)}`);
  }
}

export async function enableUser(userId: string): Promise<void> {
  try {
    await getAuth().api.unbanUser({ body: { userId }, headers: await headers() });
  } catch (error) {
    throw new UserAdminError(`Could not enable the user: ${reason(error)}`);
  }
}

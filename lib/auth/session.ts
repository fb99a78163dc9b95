import "server-only";
import { headers } from "next/headers";
import { ensureAuthReady, getAuth } from "@/lib/auth/auth";

export type Role = "viewer" | "admin";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** The signed-in user of the current request, or null. Any unknown role counts as viewer. */
export async function currentUser(): Promise<SessionUser | null> {
  await ensureAuthReady();
  const session = await getAuth().api.getSession({ headers: await headers() });
  if (!session) return null;
  const { user } = session;
  if (user.banned) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role === "admin" ? "admin" : "viewer",
  };
}

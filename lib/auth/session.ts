import "server-only";
import { headers } from "next/headers";
import { ensureAuthReady, getAuth } from "@/lib/auth/auth";
import { toRole, type Role } from "@/lib/auth/roles";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** The signed-in user of the current request, or null. */
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
    role: toRole(user.role),
  };
}

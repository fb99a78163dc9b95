import "server-only";
import { redirect } from "next/navigation";
import { currentUser, type SessionUser } from "@/lib/auth/session";

/** For pages: the signed-in user, or a redirect to the sign-in page. */
export async function requirePageUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  return user;
}

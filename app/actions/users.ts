"use server";

import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";
import { defineAction, fail, ok } from "@/lib/safe-action";
import { createUser, disableUser, enableUser, listUsers, setRole, UserAdminError } from "@/lib/users";

const role = z.enum(ROLES);
const userId = z.string().min(1).max(200);

async function run<T>(work: () => Promise<T>) {
  try {
    return ok(await work());
  } catch (error) {
    if (error instanceof UserAdminError) return fail("user-admin", error.message);
    throw error;
  }
}

export const listUsersAction = defineAction({ input: z.object({}), role: "admin" }, async () => ok(await listUsers()));

export const createUserAction = defineAction(
  {
    input: z.object({
      email: z.email("Enter a valid email address."),
      name: z.string().trim().min(1, "Enter a name.").max(200),
      password: z.string().min(8, "Passwords have at least 8 characters.").max(200),
      role,
    }),
    role: "admin",
  },
  async (input) => run(() => createUser(input)),
);

export const setRoleAction = defineAction(
  { input: z.object({ userId, role }), role: "admin" },
  async ({ userId, role }, { user }) =>
    userId === user.id && role !== "admin"
      ? fail("self-demotion", "You cannot remove your own admin role; ask another admin.")
      : run(() => setRole(userId, role)),
);

export const setUserEnabledAction = defineAction(
  { input: z.object({ userId, enabled: z.boolean() }), role: "admin" },
  async ({ userId, enabled }, { user }) =>
    userId === user.id
      ? fail("self-disable", "You cannot disable your own account.")
      : run(() => (enabled ? enableUser(userId) : disableUser(userId))),
);

"use server";

import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";
import { defineAction, ok } from "@/lib/safe-action";
import { createUser, disableUser, enableUser, listUsers, setRole } from "@/lib/users";

const role = z.enum(ROLES);
const userId = z.string().min(1).max(200);

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
  async (input) => ok(await createUser(input)),
);

export const setRoleAction = defineAction(
  { input: z.object({ userId, role }), role: "admin" },
  async ({ userId, role }, { user }) => ok(await setRole(user, userId, role)),
);

export const setUserEnabledAction = defineAction(
  { input: z.object({ userId, enabled: z.boolean() }), role: "admin" },
  async ({ userId, enabled }, { user }) =>
    ok(await (enabled ? enableUser(user, userId) : disableUser(user, userId))),
);

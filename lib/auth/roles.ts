// Reclaim's two roles, and the one rule for reading and comparing them. Plain: the users
// page needs them in the browser too.

export const ROLES = ["viewer", "admin"] as const;

export type Role = (typeof ROLES)[number];

/** Anything but "admin" (no role, an unknown one) counts as viewer. */
export function toRole(role: string | null | undefined): Role {
  return role === "admin" ? "admin" : "viewer";
}

const rank: Record<Role, number> = { viewer: 1, admin: 2 };

/** Whether someone with `role` may do what needs `needed`. */
export function hasRole(role: Role, needed: Role): boolean {
  return rank[role] >= rank[needed];
}

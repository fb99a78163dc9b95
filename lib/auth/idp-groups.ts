import type { Role } from "@/lib/auth/roles";

// Which Reclaim role the identity provider's groups give someone. Plain: unit-tested alone.

/** The strings at a dotted claim path ("groups", "realm_access.roles"); one string counts as a list of one. */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = claims;
  for (const step of path.split(".")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
    value = (value as Record<string, unknown>)[step];
  }
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
}

export interface GroupRoles {
  adminGroups: readonly string[];
  viewerGroups: readonly string[];
}

/** admin if any group is an admin group, else viewer if any is a viewer group, else null (refused). */
export function roleFromGroups(groups: readonly string[], mapping: GroupRoles): Role | null {
  if (groups.some((group) => mapping.adminGroups.includes(group))) return "admin";
  if (groups.some((group) => mapping.viewerGroups.includes(group))) return "viewer";
  return null;
}

import { describe, expect, it } from "vitest";
import { claimValues, roleFromGroups } from "@/lib/auth/idp-groups";

const mapping = { adminGroups: ["storage-admins"], viewerGroups: ["storage-viewers", "auditors"] };

describe("claimValues", () => {
  it("reads a top-level list, a nested path and a single string", () => {
    expect(claimValues({ groups: ["a", "b"] }, "groups")).toEqual(["a", "b"]);
    expect(claimValues({ realm_access: { roles: ["x"] } }, "realm_access.roles")).toEqual(["x"]);
    expect(claimValues({ role: "solo" }, "role")).toEqual(["solo"]);
  });

  it("is empty when the path is missing or holds no strings", () => {
    expect(claimValues({}, "groups")).toEqual([]);
    expect(claimValues({ groups: "a" }, "groups.inner")).toEqual([]);
    expect(claimValues({ groups: [1, null, { a: 1 }, "ok"] }, "groups")).toEqual(["ok"]);
  });
});

describe("roleFromGroups", () => {
  it("gives admin when any group is an admin group, whatever else", () => {
    expect(roleFromGroups(["auditors", "storage-admins"], mapping)).toBe("admin");
  });

  it("gives viewer for a viewer group only", () => {
    expect(roleFromGroups(["auditors"], mapping)).toBe("viewer");
  });

  it("gives nothing for no listed group; names match exactly", () => {
    expect(roleFromGroups([], mapping)).toBeNull();
    expect(roleFromGroups(["Storage-Admins", "storage-admins-old"], mapping)).toBeNull();
  });
});

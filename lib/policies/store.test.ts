import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// A scratch SQLite file with the real migrations, set before any module reads the environment.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-policy-store-"));
process.env.RECLAIM_DB_FILE = path.join(dir, "store.sqlite");

const lease = await import("@/lib/lease");
const store = await import("@/lib/policies/store");
type PolicyInput = import("@/lib/policies/types").PolicyInput;

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const t0 = new Date("2026-12-03T10:00:00.000Z");
const later = (ms: number) => new Date(t0.getTime() + ms);

describe("leases", () => {
  it("one owner at a time; the holder renews; another takes over only after expiry", async () => {
    expect(await lease.acquireLease("policy:a", "one", 1_000, t0)).toBe(true);
    expect(await lease.acquireLease("policy:a", "two", 1_000, later(500))).toBe(false);
    // The holder acquiring again is a renewal, and keeps when it first took the lease.
    expect(await lease.acquireLease("policy:a", "one", 1_000, later(600))).toBe(true);
    expect(await lease.readLease("policy:a")).toEqual({ name: "policy:a", owner: "one", acquiredAt: t0.toISOString(), expiresAt: later(1_600).toISOString() });
    expect(await lease.renewLease("policy:a", "one", 1_000, later(1_500))).toBe(true);
    expect(await lease.acquireLease("policy:a", "two", 1_000, later(2_000))).toBe(false);
    // Not renewed: expired at 2,500 ms; the next owner takes it, the old one has lost it.
    expect(await lease.acquireLease("policy:a", "two", 1_000, later(2_500))).toBe(true);
    expect(await lease.renewLease("policy:a", "one", 1_000, later(2_600))).toBe(false);
    await lease.releaseLease("policy:a", "one"); // not the holder: nothing happens
    expect((await lease.readLease("policy:a"))?.owner).toBe("two");
    await lease.releaseLease("policy:a", "two");
    expect(await lease.readLease("policy:a")).toBeNull();
    expect(await lease.acquireLease("policy:a", "three", 1_000, later(2_700))).toBe(true);
  });

  it("leases of different names are independent", async () => {
    expect(await lease.acquireLease("policy:b", "one", 1_000, t0)).toBe(true);
    expect(await lease.acquireLease("policy:c", "two", 1_000, t0)).toBe(true);
    expect(lease.isLive(await lease.readLease("policy:b"), later(999))).toBe(true);
    expect(lease.isLive(await lease.readLease("policy:b"), later(1_000))).toBe(false);
  });
});

const input: PolicyInput = {
  name: "nightly-logs",
  profileId: "local",
  selection: { profileId: "local", buckets: ["reclaim-logs"], idleForMs: 3 * 86_400_000, activeWithinMinutes: 60 },
  schedule: "0 2 * * *",
  timeZone: "UTC",
  mode: "report",
  maxUploads: 1000,
  maxBytes: 1024 ** 4,
  notifyAbove: 0,
  webhooks: [],
};
const ops = { id: "u1", email: "ops@example.com" };
const dev = { id: "u2", email: "dev@example.com" };

describe("policy rows", () => {
  it("records who created and who last changed a policy; names are unique", async () => {
    const created = await store.insertPolicy("p1", input, ops, t0);
    expect(created).toMatchObject({ name: "nightly-logs", enabled: true, createdBy: "ops@example.com", updatedBy: "ops@example.com", handledUntil: t0.toISOString() });
    await expect(store.insertPolicy("p2", input, dev, t0)).rejects.toBeInstanceOf(store.DuplicatePolicyNameError);
    const edited = await store.updatePolicy("p1", { ...input, mode: "abort" }, dev, later(1_000));
    expect(edited).toMatchObject({ mode: "abort", createdBy: "ops@example.com", updatedBy: "dev@example.com", updatedAt: later(1_000).toISOString() });
  });

  it("claims each slot once, and never while paused", async () => {
    const slot = new Date("2026-12-04T02:00:00.000Z");
    expect(await store.claimSlot("p1", slot)).toBe(true);
    expect(await store.claimSlot("p1", slot)).toBe(false);
    expect(await store.claimSlot("p1", new Date("2026-12-03T02:00:00.000Z"))).toBe(false);
    await store.setPolicyEnabled("p1", false, ops, later(2_000));
    expect(await store.claimSlot("p1", new Date("2026-12-05T02:00:00.000Z"))).toBe(false);
  });

  it("counts slots from now after a resume or a schedule change, never from the past", async () => {
    const resumedAt = new Date("2026-12-10T09:00:00.000Z");
    expect((await store.setPolicyEnabled("p1", true, ops, resumedAt))?.handledUntil).toBe(resumedAt.toISOString());
    // Same schedule: the handled slot stays.
    expect((await store.updatePolicy("p1", { ...input, maxUploads: 5 }, ops, later(3_000)))?.handledUntil).toBe(resumedAt.toISOString());
    const changedAt = new Date("2026-12-11T09:00:00.000Z");
    expect((await store.updatePolicy("p1", { ...input, schedule: "0 3 * * *" }, ops, changedAt))?.handledUntil).toBe(changedAt.toISOString());
  });
});

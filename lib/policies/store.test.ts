import { afterAll, describe, expect, it } from "vitest";
import { scratchAppDatabase } from "@/tests/support/database";

// A scratch database with the real migrations (SQLite, or PostgreSQL when the run names a
// server), set before any module reads the environment.
const database = await scratchAppDatabase("policy_store");

const lease = await import("@/lib/lease");
const store = await import("@/lib/policies/store");
type PolicyInput = import("@/lib/policies/types").PolicyInput;

afterAll(() => database.drop());

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

describe("runs and webhook deliveries", () => {
  it("lists runs newest first, keeps the latest per policy, and prunes finished runs past the limit", async () => {
    const policy = await store.insertPolicy("p3", { ...input, name: "weekly-tmp" }, ops, t0);
    const kept = store.RUNS_KEPT;
    for (let i = 0; i < kept + 2; i++) {
      await store.insertRun({ id: `r${i}`, policy, trigger: "schedule", scheduledFor: later(i * 60_000), startedBy: null }, later(i * 60_000));
      if (i < kept + 1) await store.finishRun(`r${i}`, "reported", `run ${i}`, later(i * 60_000 + 1_000));
    }
    // The oldest finished runs are pruned; the running one stays.
    const runs = await store.listRuns("p3", 500);
    expect(runs).toHaveLength(kept);
    expect(runs[0]).toMatchObject({ id: `r${kept + 1}`, status: "running", finishedAt: null });
    expect(runs.at(-1)?.id).toBe("r2");
    expect(await store.getRun("r0")).toBeNull();
    expect((await store.latestRuns()).get("p3")?.id).toBe(`r${kept + 1}`);
    expect((await store.runningRuns()).map((r) => r.id)).toEqual([`r${kept + 1}`]);
    // A final run is not changed again.
    await store.finishRun(`r${kept}`, "failed", "late", later(10_000_000));
    expect(await store.getRun(`r${kept}`)).toMatchObject({ status: "reported", message: `run ${kept}` });
  });

  it("records each delivery attempt, counts recent failures per policy, and abandons what a stopped process left", async () => {
    const first = await store.insertDelivery({ runId: "r201", policyId: "p3", webhookId: "ops-json", event: "policy-run" }, t0);
    const second = await store.insertDelivery({ runId: "r201", policyId: "p3", webhookId: "ops-slack", event: "policy-run" }, t0);
    expect(second).toBeGreaterThan(first);
    await store.recordDeliveryAttempt(first, { status: "retrying", httpStatus: 503, error: "Service Unavailable" }, later(1_000));
    await store.recordDeliveryAttempt(first, { status: "failed", httpStatus: 503, error: "Service Unavailable" }, later(2_000));
    await store.abandonDeliveries(["r201"], "Not sent: stopped.", later(3_000));
    const deliveries = await store.listDeliveries({ runId: "r201" });
    expect(deliveries.map((d) => [d.id, d.status, d.attempts, d.lastStatus, d.lastError])).toEqual([
      [second, "failed", 0, null, "Not sent: stopped."],
      [first, "failed", 2, 503, "Service Unavailable"],
    ]);
    expect((await store.failedDeliveryCounts()).get("p3")).toBe(2);
    // Only the last `window` deliveries count.
    await store.insertDelivery({ runId: "r201", policyId: "p3", webhookId: "ops-json", event: "policy-run" }, later(4_000));
    expect((await store.failedDeliveryCounts(1)).get("p3")).toBeUndefined();
  });

  it("deletes a policy with its runs and deliveries", async () => {
    expect(await store.deletePolicyRow("p3")).toBe(true);
    expect(await store.listRuns("p3")).toEqual([]);
    expect(await store.listDeliveries({ policyId: "p3" })).toEqual([]);
    expect(await store.deletePolicyRow("p3")).toBe(false);
  });
});

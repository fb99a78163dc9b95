// The parts re-read schedule, seen from outside: requests are counted at a loopback proxy in
// front of the real gateway while the test polls like an open tab. Intervals are shortened
// through the same settings an operator would use (seconds instead of minutes), so the rules
// show within a test: idle uploads are not re-read within their interval, a live one is, rows
// in view follow the same rule, tabs share one schedule, and without polls nothing is sent.
import { type S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UploadRef } from "@/lib/s3/types";
import { listUploadChanges, refreshVisibleParts } from "@/lib/uploads/service";
import { applyPartsUpdates, mergeListing, type LiveListing } from "@/lib/uploads/live-listing";
import { type FaultProxy, type SeenRequest, startFaultProxy } from "../support/fault-proxy";
import { rawClient } from "../support/gateway";
import { createBucket, createUpload, removeBucket, testProfile, uniqueName } from "./helpers";

const SCHEDULE = {
  RECLAIM_REREAD_SCHEDULE: "liveness",
  // Live: a part within the last 4 s; anything older is idle (no "quiet" band here).
  RECLAIM_LIVE_WINDOW_MS: "4000",
  RECLAIM_IDLE_AFTER_MS: "4000",
  RECLAIM_REREAD_LIVE_MS: "3000",
  RECLAIM_REREAD_LIVE_IN_VIEW_MS: "1000",
  // Idle: 30 days, so even the earliest spread first re-read (a fraction of it) falls far
  // outside the test.
  RECLAIM_REREAD_IDLE_MS: String(30 * 86_400_000),
  RECLAIM_REREAD_IDLE_IN_VIEW_MS: String(600_000),
  RECLAIM_RELIST_MS: "2000",
  // The tab polls every 0.5 s (the browser: every RECLAIM_REFRESH_MS).
  RECLAIM_REFRESH_MS: "500",
};
const POLL_MS = Number(SCHEDULE.RECLAIM_REFRESH_MS);
const saved = new Map<string, string | undefined>();

let proxy: FaultProxy;
let raw: S3Client;
const bucket = uniqueName("reclaim-reread");
let idle: UploadRef[] = [];
let live: UploadRef;
let liveParts = 1;
let writer: ReturnType<typeof setInterval> | undefined;
const profile = () => testProfile("reread", { endpoint: proxyUrl, buckets: [bucket] });
let proxyUrl = "";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const idOf = (ref: UploadRef) => `${ref.bucket}\u0000${ref.key}\u0000${ref.uploadId}`;

/** ListParts the proxy saw for this upload since `from` (an index into proxy.requests). */
function partsReads(ref: UploadRef, from: number): number {
  return proxy.requests.slice(from).filter((r) => r.kind === "ListParts" && r.query.get("uploadId") === ref.uploadId).length;
}

function kinds(requests: SeenRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}

/**
 * An open tab: polls the listing (and, when given, the rows in view) every POLL_MS until
 * stopped, merging the answers as the browser does.
 */
function openTab(inView: UploadRef[] = [], phaseMs = 0) {
  let stopped = false;
  let latest: LiveListing | undefined;
  const done = (async () => {
    await sleep(phaseMs);
    while (!stopped) {
      latest = mergeListing(latest, await listUploadChanges(profile(), latest?.cursor ?? undefined));
      if (inView.length > 0) latest = applyPartsUpdates(latest, await refreshVisibleParts(profile(), inView), Date.now());
      await sleep(POLL_MS);
    }
  })();
  return {
    latestParts: (ref: UploadRef) => latest?.rows.find((r) => r.id === idOf(ref))?.partsInfo?.parts,
    latestRow: (ref: UploadRef) => latest?.rows.find((r) => r.id === idOf(ref)),
    close: async () => {
      stopped = true;
      await done;
    },
  };
}

beforeAll(async () => {
  for (const [name, value] of Object.entries(SCHEDULE)) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  raw = rawClient();
  await createBucket(raw, bucket);
  idle = [];
  for (let i = 0; i < 8; i++) idle.push(await createUpload(raw, bucket, `idle/${i}.bin`, [10 + i]));
  live = await createUpload(raw, bucket, "live/busy.bin", [7]);
  // A writer keeps the live upload live: a part every second, straight to the gateway.
  writer = setInterval(() => {
    const partNumber = ++liveParts;
    void raw.send(new UploadPartCommand({ Bucket: live.bucket, Key: live.key, UploadId: live.uploadId, PartNumber: partNumber, Body: Buffer.alloc(5) }));
  }, 1_000);
  proxy = await startFaultProxy(testProfile("x").endpoint);
  proxyUrl = proxy.url;
  // The idle uploads' last part must be older than the live window before the first read.
  await sleep(4_500);
  // Warm: the first poll of a cold server reads every upload once.
  const tab = openTab();
  for (let i = 0; i < 40; i++) {
    await sleep(250);
    if (idle.every((ref) => partsReads(ref, 0) > 0) && partsReads(live, 0) > 0) break;
  }
  await tab.close();
  await sleep(500); // reads started by the last poll land
}, 60_000);

afterAll(async () => {
  if (writer) clearInterval(writer);
  await proxy?.close();
  await removeBucket(raw, bucket);
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("re-reading parts by need", () => {
  it("re-reads a live upload within its interval and leaves idle ones alone, in view or not", async () => {
    const from = proxy.requests.length;
    // Rows in view: three idle uploads and the live one.
    const tab = openTab([...idle.slice(0, 3), live]);
    await sleep(9_000);
    await tab.close();

    for (const ref of idle) expect(partsReads(ref, from), `idle ${ref.key}`).toBe(0);
    // In view every 1 s (polled every ~0.5 s) for 9 s: at least 5 reads, at most one per poll.
    const liveReads = partsReads(live, from);
    expect(liveReads).toBeGreaterThanOrEqual(5);
    expect(liveReads).toBeLessThanOrEqual(10);
    // The table shows the live upload's newest parts: at most a couple of seconds behind the writer.
    expect(tab.latestParts(live)).toBeGreaterThanOrEqual(liveParts - 3);
    // The listing: every 2 s, not every poll.
    expect(kinds(proxy.requests.slice(from)).ListMultipartUploads ?? 0).toBeLessThanOrEqual(6);
  });

  it("re-reads a live upload out of view by its background interval", async () => {
    const from = proxy.requests.length;
    const tab = openTab();
    await sleep(10_000);
    await tab.close();
    for (const ref of idle) expect(partsReads(ref, from), `idle ${ref.key}`).toBe(0);
    // Every 3 s for 10 s, checked at each poll.
    const liveReads = partsReads(live, from);
    expect(liveReads).toBeGreaterThanOrEqual(2);
    expect(liveReads).toBeLessThanOrEqual(4);
  });

  it("shares one schedule between tabs: three tabs send what one does", async () => {
    const from = proxy.requests.length;
    const tabs = [openTab([live]), openTab([live], 150), openTab([...idle.slice(0, 2), live], 300)];
    await sleep(6_000);
    await Promise.all(tabs.map((t) => t.close()));
    const seen = kinds(proxy.requests.slice(from));
    for (const ref of idle) expect(partsReads(ref, from), `idle ${ref.key}`).toBe(0);
    // One tab: the live row every ~1 s and a listing every ~2 s, whatever the number of tabs.
    expect(partsReads(live, from)).toBeLessThanOrEqual(7);
    expect(seen.ListMultipartUploads ?? 0).toBeLessThanOrEqual(4);
  });

  it("sends nothing while no tab polls (a hidden tab), and catches up on the next poll", async () => {
    await sleep(500); // reads started by the previous test's last polls land
    const from = proxy.requests.length;
    const partsBefore = liveParts;
    // Longer than the live interval and the listing's: anything scheduled would have run.
    await sleep(7_000);
    expect(proxy.requests.slice(from)).toEqual([]);

    const tab = openTab();
    await sleep(1_500);
    await tab.close();
    expect(partsReads(live, from)).toBeGreaterThanOrEqual(1);
    expect(tab.latestParts(live)).toBeGreaterThan(partsBefore);
  });

  it("asks again after a refused ListParts by a growing interval, not on every poll, and the row says why", async () => {
    const refused = await createUpload(raw, bucket, "refused/denied.bin", [9]);
    // Idle by the time it is first read (its only part older than the live window).
    await sleep(4_500);
    proxy.addFault({
      match: (r) => r.kind === "ListParts" && r.query.get("uploadId") === refused.uploadId,
      action: { type: "error", status: 403, code: "AccessDenied" },
    });
    try {
      const from = proxy.requests.length;
      // In view, where it is tried most often: after the first failure again in 1 s (the live
      // in-view interval), then 2 s, 4 s… Polled every 0.5 s, 8 s would be 16 tries.
      const tab = openTab([refused]);
      await sleep(8_000);
      const refusedReads = partsReads(refused, from);
      expect(refusedReads).toBeGreaterThanOrEqual(2);
      expect(refusedReads).toBeLessThanOrEqual(5);
      // The row shows the refusal, not "counting…".
      expect(tab.latestRow(refused)?.partsError?.code).toBe("access-denied");
      expect(tab.latestRow(refused)?.partsInfo).toBeNull();

      // Once the endpoint answers again, the next try counts the parts.
      proxy.clearFaults();
      for (let i = 0; i < 40 && tab.latestParts(refused) === undefined; i++) await sleep(250);
      await tab.close();
      expect(tab.latestParts(refused)).toBe(1);
      expect(tab.latestRow(refused)?.partsError).toBeUndefined();
    } finally {
      proxy.clearFaults();
    }
  });
});

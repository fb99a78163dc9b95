// Every S3 request Reclaim sends is counted once per attempt, per profile, operation and cause,
// by the SDK middleware — checked against what a loopback proxy in front of the real gateway
// saw, never against the code's own numbers alone.
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { summarizeUploadParts } from "@/lib/s3/inventory";
import { onS3Request, withS3Cause, type S3RequestEvent } from "@/lib/s3/request-events";
import { requestsLastHour } from "@/lib/s3/request-ledger";
import { requestBill } from "@/lib/uploads/request-bill";
import { abortUpload, listUploadChanges, verifyUploads } from "@/lib/uploads/service";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy";
import { rawClient } from "../support/gateway";
import { createBucket, createUpload, removeBucket, testProfile, uniqueName } from "./helpers";

let proxy: FaultProxy;
let raw: S3Client;
const bucket = uniqueName("reclaim-count");
const events: S3RequestEvent[] = [];
let unsubscribe: () => void;

beforeAll(async () => {
  raw = rawClient();
  await createBucket(raw, bucket);
  proxy = await startFaultProxy(testProfile("x").endpoint);
  unsubscribe = onS3Request((event) => events.push(event));
});

afterAll(async () => {
  unsubscribe();
  await proxy.close();
  await removeBucket(raw, bucket);
});

function viaProxy(extra: { listRequestPricePer1000?: number } = {}) {
  return { ...testProfile(uniqueName("count"), { endpoint: proxy.url, buckets: [bucket] }), ...extra };
}

/** Polls like a tab until every row's parts are counted, so no background read is still in flight. */
async function settledListing(profile: ReturnType<typeof viaProxy>) {
  for (let poll = 0; poll < 50; poll++) {
    const listing = await listUploadChanges(profile);
    if (listing.partsPending === 0) return listing;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("parts were never all counted");
}

function eventsOf(profileId: string): S3RequestEvent[] {
  return events.filter((e) => e.profileId === profileId);
}

describe("request events from the SDK middleware", () => {
  it("emits one event per attempt, as the proxy counts them, with the cause set around the call", async () => {
    const profile = viaProxy();
    const upload = await createUpload(raw, bucket, "events/one.bin", [5, 6]);
    proxy.addFault({ match: "ListParts", action: { type: "error", status: 503, code: "SlowDown" }, times: 1 });
    const seenBefore = proxy.count("ListParts");
    const result = await withS3Cause("verify", () => summarizeUploadParts(profile, upload));
    proxy.clearFaults();

    expect(result.status).toBe("listed");
    const seen = proxy.count("ListParts") - seenBefore;
    const mine = eventsOf(profile.id);
    expect(seen).toBe(2); // the 503, then the retry
    expect(mine).toHaveLength(seen);
    expect(mine.map((e) => [e.operation, e.cause, e.result, e.errorCode])).toEqual([
      ["ListParts", "verify", "error", "SlowDown"],
      ["ListParts", "verify", "ok", undefined],
    ]);
    for (const event of mine) expect(event.durationSeconds).toBeGreaterThanOrEqual(0);
  });

  it("names S3's error code for a failed request (RGW's NoSuchKey for an unknown upload)", async () => {
    const profile = viaProxy();
    const result = await summarizeUploadParts(profile, { bucket, key: "events/none.bin", uploadId: "2~not-an-upload" });
    expect(result.status).toBe("gone");
    expect(eventsOf(profile.id).map((e) => [e.operation, e.cause, e.result, e.errorCode])).toEqual([
      ["ListParts", "other", "error", "NoSuchKey"],
    ]);
  });

  it("keeps the outermost cause: a bulk job's abort is bulk, a lone abort is abort", async () => {
    const profile = viaProxy();
    const actor = { id: "test", email: "test@example.com" };
    const lone = await createUpload(raw, bucket, "events/lone.bin", [3]);
    const inJob = await createUpload(raw, bucket, "events/job.bin", [3]);
    await abortUpload(profile, lone, actor);
    const loneEvents = eventsOf(profile.id).length;
    await withS3Cause("bulk", () => abortUpload(profile, inJob, actor));
    const all = eventsOf(profile.id);
    expect(new Set(all.slice(0, loneEvents).map((e) => e.cause))).toEqual(new Set(["abort"]));
    expect(new Set(all.slice(loneEvents).map((e) => e.cause))).toEqual(new Set(["bulk"]));
    expect(all.map((e) => e.operation)).toContain("AbortMultipartUpload");
  });
});

describe("the request ledger and the bill", () => {
  it("counts the last hour by operation and cause exactly as the proxy saw the requests", async () => {
    const profile = viaProxy({ listRequestPricePer1000: 0.005 });
    const upload = await createUpload(raw, bucket, "ledger/a.bin", [4, 4]);
    const start = proxy.requests.length;

    const listing = await settledListing(profile);
    expect(listing.rows.map((r) => r.uploadId)).toContain(upload.uploadId);
    await verifyUploads(profile, [upload]);
    await abortUpload(profile, upload, { id: "test", email: "test@example.com" });

    const seen = proxy.requests.slice(start);
    const hour = requestsLastHour(profile.id);
    expect(hour.requests).toBe(seen.length);
    const byOperation = (op: string) => hour.counts.filter((c) => c.operation === op).reduce((n, c) => n + c.requests, 0);
    for (const op of ["ListMultipartUploads", "ListParts", "AbortMultipartUpload"] as const) {
      expect(byOperation(op), op).toBe(seen.filter((r) => r.kind === op).length);
    }
    const causes = new Set(hour.counts.map((c) => c.cause));
    expect(causes).toEqual(new Set(["listing", "background", "verify", "abort"]));

    const bill = requestBill(profile);
    const aborts = seen.filter((r) => r.kind === "AbortMultipartUpload").length;
    expect(aborts).toBeGreaterThan(0);
    expect(bill.requests).toBe(seen.length);
    expect(bill.billableRequests).toBe(seen.length - aborts);
    expect(bill.estimatedCost).toBeCloseTo(((seen.length - aborts) * 0.005) / 1000, 12);
    expect(bill.byCause.reduce((n, c) => n + c.requests, 0)).toBe(seen.length);
  });

  it("keeps profiles apart and prices at each profile's own price", async () => {
    const free = viaProxy({ listRequestPricePer1000: 0 });
    const start = proxy.requests.length;
    await summarizeUploadParts(free, { bucket, key: "ledger/none", uploadId: "2~none" });
    await settledListing(free);
    const seen = proxy.requests.length - start;
    const bill = requestBill(free);
    expect(bill.requests).toBe(seen);
    expect(bill.pricePer1000).toBe(0);
    expect(bill.estimatedCost).toBe(0);
    expect(requestsLastHour(uniqueName("never-used")).requests).toBe(0);
  });
});

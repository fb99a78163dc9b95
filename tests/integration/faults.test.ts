// Failure modes, injected by a loopback proxy in front of the real gateway: throttling,
// endless 503s, a looping pager, dropped connections, a gateway that is down, a gateway
// that never answers, a server listing a part twice. Each ends in a clear, typed error
// within a bounded time, and a partial inventory is never passed off as complete.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { abortAndVerify } from "@/lib/s3/abort";
import { createS3Client } from "@/lib/s3/client";
import { collectInventory, listBuckets } from "@/lib/s3/inventory";
import { type SeedManifest, rawClient, readGateway, readManifest } from "../support/gateway";
import { type FaultProxy, duplicateFirstPart, startFaultProxy, stuckUploadsPage } from "../support/fault-proxy";
import { createBucket, createUpload, rawListParts, removeBucket, testProfile, uniqueName } from "./helpers";
import { reclaimS3Error } from "../support/errors";

let proxy: FaultProxy;
let manifest: SeedManifest;

beforeAll(async () => {
  manifest = readManifest();
  proxy = await startFaultProxy(testProfile("x").endpoint);
});

afterAll(async () => {
  await proxy.close();
});

afterEach(() => {
  proxy.clearFaults();
});

/** A fresh profile id per test, so each gets its own client (and its own retry budget). */
function viaProxy() {
  return testProfile(uniqueName("proxy"), { endpoint: proxy.url });
}

function expectedBucket(name: string) {
  const bucket = manifest.buckets[name];
  if (!bucket) throw new Error(`${name} is not in the seed manifest`);
  return { bucket: name, uploads: bucket.uploads, parts: bucket.parts, bytes: bucket.bytes, complete: true };
}

describe("through a fault proxy", () => {
  it("passes requests through unchanged (signatures stay valid)", async () => {
    const inventory = await collectInventory(viaProxy(), { buckets: ["reclaim-backups"] });
    expect(inventory.buckets).toEqual([expectedBucket("reclaim-backups")]);
    expect(proxy.count("ListMultipartUploads")).toBeGreaterThan(0);
  });

  it("never sends Delimiter, EncodingType or MaxUploads, and pages with both markers", async () => {
    const first = proxy.requests.length;
    await collectInventory(viaProxy(), { buckets: ["reclaim-logs"] });
    const listings = proxy.requests.slice(first).filter((r) => r.kind === "ListMultipartUploads");
    expect(listings.length).toBeGreaterThan(1); // more than 1,000 uploads: several pages
    for (const listing of listings) {
      expect(listing.query.has("delimiter")).toBe(false);
      expect(listing.query.has("encoding-type")).toBe(false);
      expect(listing.query.has("max-uploads")).toBe(false);
    }
    for (const next of listings.slice(1)) {
      expect(next.query.get("key-marker")).toBeTruthy();
      expect(next.query.get("upload-id-marker")).toBeTruthy();
    }
  });

  it("sends ExpectedBucketOwner on every bucket request when the profile sets it", async () => {
    const first = proxy.requests.length;
    const owner = readGateway().users.admin.uid;
    const profile = { ...viaProxy(), expectedBucketOwner: owner };
    const inventory = await collectInventory(profile, { buckets: ["reclaim-backups"] });
    const sent = proxy.requests.slice(first);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.every((r) => r.headers["x-amz-expected-bucket-owner"] === owner)).toBe(true);
    // RGW (Pacific) accepts the header but does not enforce it (a wrong owner lists too).
    expect(inventory.totals.complete).toBe(true);
  });

  it("retries 503 SlowDown twice, then succeeds", async () => {
    const before = proxy.count("ListMultipartUploads");
    proxy.addFault({ match: "ListMultipartUploads", action: { type: "error", status: 503, code: "SlowDown" }, times: 2 });
    const inventory = await collectInventory(viaProxy(), { buckets: ["reclaim-backups"] });
    expect(inventory.buckets).toEqual([expectedBucket("reclaim-backups")]);
    expect(inventory.totals.complete).toBe(true);
    expect(proxy.count("ListMultipartUploads") - before).toBe(3);
  });

  it("gives up on endless 503s after the retry bound, within bounded time, as throttled", async () => {
    const before = proxy.count("ListMultipartUploads");
    proxy.addFault({ match: "ListMultipartUploads", action: { type: "error", status: 503, code: "SlowDown" } });
    const started = Date.now();
    const inventory = await collectInventory(viaProxy(), { buckets: ["reclaim-backups"] });
    const elapsed = Date.now() - started;
    expect(inventory.buckets[0]).toMatchObject({ complete: false, uploads: 0, error: { code: "throttled", s3Code: "SlowDown", httpStatus: 503 } });
    expect(inventory.buckets[0]?.error?.message).toContain("after 4 attempts");
    expect(inventory.totals).toMatchObject({ complete: false, failedBuckets: 1 });
    expect(proxy.count("ListMultipartUploads") - before).toBe(4);
    expect(elapsed).toBeLessThan(10_000); // SDK throttling backoff: at most ~1 + 2 + 4 s
  });

  it("fails an abort on endless 503s (not reclaimed, not already-gone), upload untouched", async () => {
    const raw = rawClient("admin");
    const bucket = uniqueName("it-faults");
    await createBucket(raw, bucket);
    try {
      const ref = await createUpload(raw, bucket, "throttled/abort.bin", [10]);
      proxy.addFault({ match: "AbortMultipartUpload", action: { type: "error", status: 503, code: "SlowDown" } });
      const result = await abortAndVerify(viaProxy(), ref);
      expect(result).toMatchObject({ outcome: "failed", attempts: 1, partsBefore: 1, error: { code: "throttled" } });
      expect(await rawListParts(raw, ref)).toEqual({ parts: 1 });
    } finally {
      await removeBucket(raw, bucket);
    }
  });

  it("stops a pager whose markers do not advance with pager-stuck, not a hang", async () => {
    proxy.addFault({ match: "ListMultipartUploads", action: { type: "rewrite", rewrite: stuckUploadsPage("zzz-stuck", "2~stuck") } });
    const started = Date.now();
    const inventory = await collectInventory(viaProxy(), { buckets: ["reclaim-backups", "reclaim-archive"] });
    expect(Date.now() - started).toBeLessThan(5_000);
    const backups = inventory.buckets.find((b) => b.bucket === "reclaim-backups");
    expect(backups).toMatchObject({ complete: false, error: { code: "pager-stuck", bucket: "reclaim-backups" } });
    expect(backups?.error?.message).toContain("`zzz-stuck / 2~stuck`");
    // The first page was real and is kept; the repeated page is not counted twice.
    expect(backups?.uploads).toBe(manifest.buckets["reclaim-backups"]?.uploads);
    expect(inventory.totals.complete).toBe(false);
  });

  it("reports a connection reset mid-listing on that bucket and marks the totals incomplete", async () => {
    // Every page after the first is cut off (the SDK retries each, then gives up).
    proxy.addFault({ match: (r) => r.kind === "ListMultipartUploads" && r.query.has("key-marker"), action: { type: "reset" } });
    const inventory = await collectInventory(viaProxy(), { buckets: ["reclaim-logs", "reclaim-backups"] });
    const logs = inventory.buckets.find((b) => b.bucket === "reclaim-logs");
    expect(logs).toMatchObject({ complete: false, error: { code: "unreachable" } });
    expect(logs?.error?.message).toMatch(/connection to 127\.0\.0\.1:\d+ was lost \(ECONNRESET\) listing uploads in `reclaim-logs`/);
    expect(logs?.uploads).toBeGreaterThan(0);
    expect(logs?.uploads).toBeLessThan(manifest.buckets["reclaim-logs"]?.uploads ?? 0);
    expect(inventory.buckets.find((b) => b.bucket === "reclaim-backups")).toEqual(expectedBucket("reclaim-backups"));
    expect(inventory.totals).toMatchObject({ complete: false, failedBuckets: 1 });
  });

  it("survives a single reset (retried) with an exact inventory", async () => {
    proxy.addFault({ match: "ListParts", action: { type: "reset" }, skip: 3, times: 1 });
    const inventory = await collectInventory(viaProxy(), { buckets: ["reclaim-backups"] });
    expect(inventory.buckets).toEqual([expectedBucket("reclaim-backups")]);
  });

  it("counts a part the server lists twice once", async () => {
    proxy.addFault({ match: "ListParts", action: { type: "rewrite", rewrite: duplicateFirstPart } });
    const inventory = await collectInventory(viaProxy(), { buckets: ["reclaim-backups"] });
    expect(inventory.buckets).toEqual([expectedBucket("reclaim-backups")]);
  });

  it("reports a part listing failure on that upload and keeps the rest", async () => {
    proxy.addFault({ match: "ListParts", action: { type: "error", status: 500, code: "InternalError" }, times: 4 });
    const inventory = await collectInventory(viaProxy(), { buckets: ["reclaim-backups"], concurrency: 1 });
    const failed = inventory.uploads.filter((u) => u.partsError);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.partsError).toMatchObject({ code: "server-error", s3Code: "InternalError" });
    expect(inventory.uploads).toHaveLength(manifest.buckets["reclaim-backups"]?.uploads ?? -1);
    expect(inventory.buckets[0]).toMatchObject({ complete: false, error: { code: "server-error" } });
    expect(inventory.totals.complete).toBe(false);
  });

  it("times out a gateway that never answers with a timeout error", async () => {
    proxy.addFault({ match: "ListMultipartUploads", action: { type: "delay", ms: 5_000 } });
    const profile = viaProxy();
    const client = createS3Client(profile, { timeoutMs: 300 });
    const started = Date.now();
    const inventory = await collectInventory(profile, { buckets: ["reclaim-backups"], client });
    expect(inventory.buckets[0]).toMatchObject({ complete: false, error: { code: "timeout" } });
    expect(inventory.buckets[0]?.error?.message).toContain("RECLAIM_S3_TIMEOUT_MS");
    expect(Date.now() - started).toBeLessThan(4_000);
    client.destroy();
  });
});

describe("a gateway that is down", () => {
  it("answers unreachable for a closed port, quickly", async () => {
    const profile = testProfile(uniqueName("down"), { endpoint: "http://127.0.0.1:1" });
    const started = Date.now();
    const error = await reclaimS3Error(listBuckets(profile));
    expect(error.detail.code).toBe("unreachable");
    expect(error.message).toBe(
      "Cannot reach 127.0.0.1:1 (ECONNREFUSED) listing buckets — check that the endpoint is up and the profile's URL is right.",
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("reports unreachable on every bucket of a listener that went away, and on an abort", async () => {
    const listener = http.createServer();
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const { port } = listener.address() as AddressInfo;
    await new Promise<void>((resolve) => listener.close(() => resolve()));

    const profile = testProfile(uniqueName("gone"), { endpoint: `http://127.0.0.1:${port}` });
    const inventory = await collectInventory(profile, { buckets: ["reclaim-logs", "reclaim-media"] });
    expect(inventory.buckets.map((b) => b.error?.code)).toEqual(["unreachable", "unreachable"]);
    expect(inventory.totals).toMatchObject({ complete: false, failedBuckets: 2, uploads: 0 });

    const result = await abortAndVerify(profile, { bucket: "reclaim-logs", key: "k", uploadId: "u" });
    expect(result).toMatchObject({ outcome: "failed", attempts: 0, error: { code: "unreachable" } });
  });
});

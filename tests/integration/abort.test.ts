// Abort + verify against the real gateway, on uploads this file creates in its own bucket
// (the seeded set that other tests compare to stays untouched).
import { Readable } from "node:stream";
import { AbortMultipartUploadCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { abortAndVerify, verifyGone } from "@/lib/s3/abort";
import { collectInventory } from "@/lib/s3/inventory";
import type { UploadRef } from "@/lib/s3/types";
import { rawClient } from "../support/gateway";
import { type FaultProxy, startFaultProxy, syntheticPartsXml } from "../support/fault-proxy";
import { createBucket, createUpload, rawListParts, removeBucket, testProfile, uniqueName } from "./helpers";
import { listUploads } from "../support/sdk";

const raw = rawClient("admin");
const bucket = uniqueName("it-abort");
const profile = testProfile("it-abort");

beforeAll(async () => {
  await createBucket(raw, bucket);
});

afterAll(async () => {
  await removeBucket(raw, bucket);
});

describe("abortAndVerify", () => {
  it("reclaims a normal upload, proves it with ListParts and it leaves the listing", async () => {
    const ref = await createUpload(raw, bucket, "normal/file.bin", [1024, 2048, 10]);
    const states: string[] = [];
    const result = await abortAndVerify(profile, ref, { onStateChange: (state) => states.push(state) });
    expect(result).toMatchObject({ outcome: "reclaimed", attempts: 1, partsBefore: 3, bytesBefore: 3082, partsRemaining: 0 });
    expect(result.error).toBeUndefined();
    expect(states).toEqual(["aborting", "verifying"]);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(result.finishedAt)).toBeGreaterThanOrEqual(Date.parse(result.startedAt));
    // RGW answers NoSuchKey (AWS: NoSuchUpload) for the parts of an aborted upload.
    expect(await rawListParts(raw, ref)).toEqual({ error: "NoSuchKey" });
    expect((await listUploads(raw, bucket)).map((u) => u.uploadId)).not.toContain(ref.uploadId);
    const inventory = await collectInventory(profile, { buckets: [bucket] });
    expect(inventory.uploads.map((u) => u.uploadId)).not.toContain(ref.uploadId);

    // The same id again: someone (here: we) got there first.
    const again = await abortAndVerify(profile, ref);
    expect(again).toMatchObject({ outcome: "already-gone", partsBefore: 0, bytesBefore: 0 });
    expect(await verifyGone(profile, ref)).toEqual({ gone: true, partsRemaining: 0, bytesRemaining: 0 });
  });

  it("reclaims an upload with no parts (an empty part list is proven by the listing)", async () => {
    const ref = await createUpload(raw, bucket, "empty/no-parts.bin");
    const result = await abortAndVerify(profile, ref);
    expect(result).toMatchObject({ outcome: "reclaimed", partsBefore: 0, bytesBefore: 0, attempts: 1 });
    expect(await rawListParts(raw, ref)).toEqual({ error: "NoSuchKey" });
  });

  it("answers already-gone for a bogus upload id (RGW: NoSuchUpload on abort, NoSuchKey on ListParts)", async () => {
    const bogus = { bucket, key: "never/was.bin", uploadId: "2~bogusbogusbogusbogusbogusbogus" };
    expect(await abortAndVerify(profile, bogus)).toMatchObject({ outcome: "already-gone", attempts: 0 });
    // With a snapshot given, the first abort itself answers NoSuchUpload.
    const withSnapshot = await abortAndVerify(profile, bogus, { snapshot: { parts: 2, bytes: 20 } });
    expect(withSnapshot).toMatchObject({ outcome: "already-gone", attempts: 1, partsBefore: 2, bytesBefore: 20 });
  });

  it("uses a given snapshot instead of reading parts first", async () => {
    const ref = await createUpload(raw, bucket, "snapshot/given.bin", [100]);
    const result = await abortAndVerify(profile, ref, { snapshot: { parts: 7, bytes: 700 } });
    expect(result).toMatchObject({ outcome: "reclaimed", partsBefore: 7, bytesBefore: 700 });
  });

  it("reports keys with spaces, unicode and + & < > exactly", async () => {
    const ref = await createUpload(raw, bucket, "odd/ä b+c&d<e>.bin", [5]);
    expect(await abortAndVerify(profile, ref)).toMatchObject({ outcome: "reclaimed", key: "odd/ä b+c&d<e>.bin" });
    expect(await rawListParts(raw, ref)).toEqual({ error: "NoSuchKey" });
  });

  it("verifyGone sees parts of a live upload", async () => {
    const ref = await createUpload(raw, bucket, "live/upload.bin", [10, 20]);
    expect(await verifyGone(profile, ref)).toEqual({ gone: false, partsRemaining: 2, bytesRemaining: 30 });
    await abortAndVerify(profile, ref);
    expect((await verifyGone(profile, ref)).gone).toBe(true);
  });

  it("never reports reclaimed while parts are listed when aborting during a streaming UploadPart", async () => {
    const ref = await createUpload(raw, bucket, "streaming/slow.bin", [64]);
    const chunk = Buffer.alloc(64 * 1024, 7);
    const chunks = 16;
    let sent = 0;
    // A body that trickles: 16 x 64 KiB, one every 50 ms.
    const body = new Readable({
      read() {
        if (sent === chunks) return void this.push(null);
        sent++;
        setTimeout(() => this.push(chunk), 50);
      },
    });
    const uploading = raw
      .send(
        new UploadPartCommand({ Bucket: ref.bucket, Key: ref.key, UploadId: ref.uploadId, PartNumber: 2, Body: body, ContentLength: chunk.length * chunks }),
      )
      .then(
        () => "completed",
        (error: unknown) => (error instanceof Error ? error.name : "failed"),
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(chunks);

    const result = await abortAndVerify(profile, ref);
    expect(["reclaimed", "verify-failed"]).toContain(result.outcome);
    const partUpload = await uploading;
    const after = await rawListParts(raw, ref);
    if (result.outcome === "reclaimed") {
      expect(after).toHaveProperty("error");
      expect(["NoSuchKey", "NoSuchUpload"]).toContain("error" in after ? after.error : "");
    } else {
      expect(result.partsRemaining).toBeGreaterThan(0);
    }
    // RGW: the abort answers at once and the streaming part then fails.
    expect(partUpload).not.toBe("completed");
  });
});

describe("abortAndVerify through a fault proxy: parts reappearing, answers lost", () => {
  let proxy: FaultProxy;

  beforeAll(async () => {
    proxy = await startFaultProxy(testProfile("x").endpoint);
  });

  afterAll(async () => {
    await proxy.close();
  });

  /** The first ListParts after the first abort lists two parts that "landed" late. */
  function partsLandAfterAbort(ref: UploadRef, times: number | undefined): void {
    proxy.clearFaults();
    const abortsBefore = proxy.count("AbortMultipartUpload");
    proxy.addFault({
      match: (request) =>
        request.kind === "ListParts" && request.query.get("uploadId") === ref.uploadId && proxy.count("AbortMultipartUpload") > abortsBefore,
      action: { type: "respond", status: 200, body: syntheticPartsXml(ref.bucket, ref.key, ref.uploadId, [5_000, 6_000]) },
      ...(times === undefined ? {} : { times }),
    });
  }

  it("aborts again and ends reclaimed once ListParts proves the upload gone", async () => {
    const ref = await createUpload(raw, bucket, "race/re-uploaded.bin", [100]);
    partsLandAfterAbort(ref, 1);
    const started = Date.now();
    const states: string[] = [];
    const result = await abortAndVerify(testProfile(uniqueName("proxy"), { endpoint: proxy.url }), ref, { onStateChange: (s) => states.push(s) });
    expect(result.outcome).toBe("reclaimed");
    expect(result.attempts).toBe(2);
    expect(states).toEqual(["aborting", "verifying", "aborting", "verifying"]);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await rawListParts(raw, ref)).toEqual({ error: "NoSuchKey" });
  });

  it("our own abort whose answer was lost and retried by the SDK (NoSuchUpload on the retry) is verified and reclaimed, not already-gone", async () => {
    const ref = await createUpload(raw, bucket, "retry/answer-lost.bin", [300, 45]);
    proxy.clearFaults();
    const abortsBefore = proxy.count("AbortMultipartUpload");
    // The first abort reaches the gateway and takes effect; its answer never reaches us.
    proxy.addFault({ match: "AbortMultipartUpload", action: { type: "drop-answer" }, times: 1 });
    const result = await abortAndVerify(testProfile(uniqueName("proxy"), { endpoint: proxy.url }), ref);
    // The SDK sent it twice inside one call: the retry answered NoSuchUpload.
    expect(proxy.count("AbortMultipartUpload") - abortsBefore).toBe(2);
    expect(result).toMatchObject({ outcome: "reclaimed", partsBefore: 2, bytesBefore: 345, partsRemaining: 0 });
    expect(await rawListParts(raw, ref)).toEqual({ error: "NoSuchKey" });
    proxy.clearFaults();
  });

  it("NoSuchUpload on the first abort, not retried, stays already-gone (someone else got there first)", async () => {
    const ref = await createUpload(raw, bucket, "retry/someone-else.bin", [10]);
    proxy.clearFaults();
    const snapshot = { parts: 1, bytes: 10 };
    await raw.send(new AbortMultipartUploadCommand({ Bucket: ref.bucket, Key: ref.key, UploadId: ref.uploadId }));
    const result = await abortAndVerify(testProfile(uniqueName("proxy"), { endpoint: proxy.url }), ref, { snapshot });
    expect(result).toMatchObject({ outcome: "already-gone", attempts: 1 });
  });

  it("ends verify-failed, never reclaimed, while parts stay listed — within a bounded time", async () => {
    const ref = await createUpload(raw, bucket, "race/never-clears.bin", [100]);
    partsLandAfterAbort(ref, undefined);
    const started = Date.now();
    const result = await abortAndVerify(testProfile(uniqueName("proxy"), { endpoint: proxy.url }), ref);
    expect(result).toMatchObject({ outcome: "verify-failed", attempts: 4, partsRemaining: 2, partsBefore: 1, bytesBefore: 100 });
    expect(result.error?.message).toContain("still lists 2 parts after 4 aborts");
    expect(Date.now() - started).toBeLessThan(3_000);
    proxy.clearFaults();
  });
});

// Inventory of the seeded gateway equals the seed manifest: every upload exactly once, parts
// and bytes exact, and the completed objects untouched.
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { getProfile } from "@/lib/profiles";
import {
  collectInventory,
  inventoryUploads,
  listBucketUploads,
  listBuckets,
  refreshParts,
  summarizeUploadParts,
} from "@/lib/s3/inventory";
import type { UploadSummary } from "@/lib/s3/types";
import { type SeedManifest, rawClient, readManifest } from "../support/gateway";
import { SEEDED_BUCKETS, key } from "./helpers";

let manifest: SeedManifest;
let byKey: Map<string, SeedManifest["uploads"][number]>;

beforeAll(() => {
  manifest = readManifest();
  byKey = new Map(manifest.uploads.map((u) => [key(u), u]));
});

function local() {
  return getProfile("local");
}

describe("inventory of the seeded gateway", () => {
  let uploads: UploadSummary[];

  beforeAll(async () => {
    const inventory = await collectInventory(local(), { buckets: SEEDED_BUCKETS });
    expect(inventory.totals.complete).toBe(true);
    uploads = inventory.uploads;
  });

  it("lists every seeded upload exactly once", () => {
    const seen = uploads.map(key);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...byKey.keys()].sort());
  });

  it("has exact parts and bytes for every upload (the 1,005-part one included)", () => {
    const wrong = uploads.filter((u) => {
      const expected = byKey.get(key(u));
      return !expected || expected.parts !== u.parts || expected.bytes !== u.bytes || u.partsError;
    });
    expect(wrong).toEqual([]);
    const biggest = uploads.reduce((a, b) => (b.parts > a.parts ? b : a));
    expect(biggest.parts).toBe(1005);
    expect(biggest).toMatchObject({ firstPartNumber: 1, lastPartNumber: 1005 });
  });

  it("reports upload metadata from the gateway", () => {
    for (const upload of uploads) {
      expect(upload.initiated).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(Date.parse(upload.partsCheckedAt)).not.toBeNaN();
      if (upload.parts > 0) expect(upload.lastPartAt).not.toBeNull();
      else expect(upload.lastPartAt).toBeNull();
    }
  });

  it("keeps odd keys byte for byte and both uploads of the same key", () => {
    const backups = uploads.filter((u) => u.bucket === "reclaim-backups").map((u) => u.key);
    expect(backups).toContain("reports/Q3 & Q4/summary&notes.pdf");
    expect(backups).toContain("users/müller/Übersicht März.xlsx");
    expect(backups).toContain("percent/100%25 done/file%2Bplus.txt");
    const counts = new Map<string, number>();
    for (const k of backups) counts.set(k, (counts.get(k) ?? 0) + 1);
    expect([...counts.values()].some((n) => n >= 2)).toBe(true);
  });

  it("has bucket totals equal to the manifest's, with more than 1,000 uploads in one bucket", async () => {
    const inventory = await collectInventory(local(), { buckets: SEEDED_BUCKETS, concurrency: 4 });
    for (const bucket of inventory.buckets) {
      const expected = manifest.buckets[bucket.bucket];
      expect(bucket).toEqual({ bucket: bucket.bucket, uploads: expected?.uploads, parts: expected?.parts, bytes: expected?.bytes, complete: true });
    }
    expect(manifest.buckets["reclaim-logs"]?.uploads).toBeGreaterThan(1000);
    expect(inventory.totals).toEqual({
      buckets: 4,
      uploads: manifest.uploads.length,
      parts: manifest.uploads.reduce((sum, u) => sum + u.parts, 0),
      bytes: manifest.uploads.reduce((sum, u) => sum + u.bytes, 0),
      failedBuckets: 0,
      complete: true,
    });
  });

  it("leaves completed objects untouched (HeadObject ETag and size equal the manifest)", async () => {
    const raw = rawClient("admin");
    for (const [bucket, info] of Object.entries(manifest.buckets)) {
      for (const object of info.objects) {
        const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: object.key }));
        expect({ bucket, key: object.key, etag: head.ETag, size: head.ContentLength }).toEqual({
          bucket,
          key: object.key,
          etag: object.etag,
          size: object.size,
        });
      }
    }
  });
});

describe("inventory streaming and options", () => {
  it("streams uploads, then one bucket-done per bucket, then done last", async () => {
    const kinds: string[] = [];
    let uploads = 0;
    for await (const event of inventoryUploads(local(), { buckets: ["reclaim-backups", "reclaim-archive"] })) {
      kinds.push(event.type);
      if (event.type === "upload") uploads++;
    }
    expect(kinds.at(-1)).toBe("done");
    expect(kinds.filter((k) => k === "done")).toHaveLength(1);
    expect(kinds.filter((k) => k === "bucket-done")).toHaveLength(2);
    expect(uploads).toBe(manifest.buckets["reclaim-backups"]?.uploads);
  });

  it("stops cleanly when the consumer leaves early", async () => {
    let seen = 0;
    for await (const event of inventoryUploads(local(), { buckets: ["reclaim-logs"] })) {
      if (event.type === "upload" && ++seen === 10) break;
    }
    expect(seen).toBe(10);
  });

  it("stops promptly on the caller's signal and never reports a cancelled inventory as complete", async () => {
    const controller = new AbortController();
    let uploads = 0;
    let totals: { complete: boolean } | undefined;
    for await (const event of inventoryUploads(local(), { buckets: ["reclaim-logs"], signal: controller.signal })) {
      if (event.type === "upload" && ++uploads === 5) controller.abort();
      if (event.type === "bucket-done") expect(event.bucket).toMatchObject({ complete: false, error: { code: "timeout" } });
      if (event.type === "done") totals = event.totals;
    }
    expect(totals?.complete).toBe(false);
    // Stopped, not finished: far fewer uploads than the bucket holds (a count, not a clock,
    // so a busy host cannot fail it).
    expect(uploads).toBeLessThan((manifest.buckets["reclaim-logs"]?.uploads ?? 0) / 2);
  });

  it("lists every bucket when the profile names none, the seeded ones included", async () => {
    const names = (await listBuckets(local())).map((b) => b.name);
    expect(names).toEqual(expect.arrayContaining(SEEDED_BUCKETS));
    const inventory = await collectInventory(local());
    const seeded = inventory.uploads.filter((u) => SEEDED_BUCKETS.includes(u.bucket));
    expect(seeded).toHaveLength(manifest.uploads.length);
  });

  it("filters by prefix", async () => {
    const media = manifest.uploads.filter((u) => u.bucket === "reclaim-media");
    const prefix = media[0]?.key.split("/")[0] ?? "";
    const expected = media.filter((u) => u.key.startsWith(prefix)).length;
    const inventory = await collectInventory(local(), { buckets: ["reclaim-media"], prefix });
    expect(inventory.uploads.length).toBe(expected);
    expect(inventory.uploads.every((u) => u.key.startsWith(prefix))).toBe(true);
  });

  it("reports a missing bucket and an invalid name on those buckets and still lists the rest", async () => {
    const inventory = await collectInventory(local(), { buckets: ["reclaim-backups", "no-such-bucket-here", "bad/name"] });
    const find = (name: string) => inventory.buckets.find((b) => b.bucket === name);
    const [backups, missing, invalid] = [find("reclaim-backups"), find("no-such-bucket-here"), find("bad/name")];
    expect(backups).toMatchObject({ complete: true, uploads: manifest.buckets["reclaim-backups"]?.uploads });
    expect(missing).toMatchObject({ complete: false, error: { code: "no-such-bucket", s3Code: "NoSuchBucket" } });
    expect(missing?.error?.message).toContain("`no-such-bucket-here`");
    expect(invalid).toMatchObject({ complete: false, error: { code: "invalid-bucket-name" } });
    expect(inventory.totals).toMatchObject({ complete: false, failedBuckets: 2, buckets: 3 });
  });
});

describe("parts of single uploads", () => {
  it("summarizes the 1,005-part upload over two ListParts pages", async () => {
    const big = manifest.uploads.find((u) => u.parts === 1005);
    if (!big) throw new Error("the seed has no 1,005-part upload");
    const result = await summarizeUploadParts(local(), big);
    expect(result).toMatchObject({ status: "listed", parts: { parts: 1005, bytes: big.bytes, firstPartNumber: 1, lastPartNumber: 1005 } });
  });

  it("refreshes a batch in input order and reports a vanished upload as gone", async () => {
    const sample = manifest.uploads.filter((u) => u.bucket === "reclaim-backups").slice(0, 5);
    const bogus = { bucket: "reclaim-backups", key: "nothing/here", uploadId: "2~bogus" };
    const results = await refreshParts(local(), [...sample, bogus], 3);
    const plain = (ref: { bucket: string; key: string; uploadId: string }) => ({ bucket: ref.bucket, key: ref.key, uploadId: ref.uploadId });
    expect(results.map((r) => r.ref)).toEqual([...sample, bogus].map(plain));
    expect(results.at(-1)?.status).toBe("gone");
    for (const [index, upload] of sample.entries()) {
      expect(results[index]).toMatchObject({ status: "listed", parts: { parts: upload.parts, bytes: upload.bytes } });
    }
  });

  it("pages a big bucket without parts, each upload once", async () => {
    const seen = new Set<string>();
    let pages = 0;
    for await (const page of listBucketUploads(local(), "reclaim-logs")) {
      pages++;
      for (const upload of page) seen.add(`${upload.key}\u0000${upload.uploadId}`);
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen.size).toBe(manifest.buckets["reclaim-logs"]?.uploads);
  });
});

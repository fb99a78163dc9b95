/*
 * bench/gateway.ts — what every benchmark section shares: the `bench` gateway, a raw SDK
 * client, the Reclaim profile pointing at it, and seeding / emptying buckets with the raw
 * SDK. Sections get a BenchContext and create their own buckets through it, so the entry
 * point can delete whatever a failed section left behind.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { Profile } from "@/lib/profiles";
import { mapWithConcurrency } from "@/lib/s3/concurrency";
import type { UploadRef } from "@/lib/s3/types";
import type { BenchOptions } from "./options";
import { REPO } from "./report";

/**
 * The gateway instance the bench runs on (port 17380, see scripts/gateway.sh); another with
 * RECLAIM_BENCH_INSTANCE, e.g. to benchmark beside other checkouts on one machine.
 */
export const INSTANCE = process.env.RECLAIM_BENCH_INSTANCE ?? "bench";
/** RGW creates ~300 uploads/s; 16 at once is near its ceiling without starving other work. */
const SEED_CONCURRENCY = 16;
const GATEWAY_SCRIPT = path.join(REPO, "scripts/gateway.sh");

export interface GatewayFile {
  endpoint: string;
  region: string;
  users: { admin: { accessKeyId: string; secretAccessKey: string } };
}

export interface BenchContext {
  gateway: GatewayFile;
  /** The raw SDK client (see rawClient). */
  raw: S3Client;
  /** The same gateway as a Reclaim endpoint profile (admin keys). */
  profile: Profile;
  options: BenchOptions;
  /** Unique per run, so leftovers of a crashed run never mix with this one. */
  runId: string;
  /** Buckets created and not yet deleted. */
  buckets: Set<string>;
}

/** An upload the bench created, with what ListParts must report for it. */
export interface SeededUpload extends UploadRef {
  parts: number;
  bytes: number;
}

// ---------------------------------------------------------------- gateway

/** .data/<instance>/: gateway.json, profiles.json, the daemons' data. */
export function instanceDir(instance = INSTANCE): string {
  return path.join(REPO, ".data", instance);
}

function gatewayRunning(instance: string): boolean {
  return spawnSync("bash", [GATEWAY_SCRIPT, "status", instance], { stdio: "ignore" }).status === 0;
}

/** Starts the instance's gateway unless it runs; `startedHere` says whether to stop it after. */
export function ensureGateway(instance = INSTANCE): { gateway: GatewayFile; startedHere: boolean } {
  const startedHere = !gatewayRunning(instance);
  if (startedHere) execFileSync("bash", [GATEWAY_SCRIPT, "start", instance], { stdio: "inherit" });
  const gateway = JSON.parse(
    fs.readFileSync(path.join(instanceDir(instance), "gateway.json"), "utf8"),
  ) as GatewayFile;
  const host = new URL(gateway.endpoint).hostname;
  if (host !== "127.0.0.1" && host !== "localhost")
    throw new Error(`refusing to benchmark non-loopback ${gateway.endpoint}`);
  return { gateway, startedHere };
}

export function stopGateway(instance = INSTANCE): void {
  execFileSync("bash", [GATEWAY_SCRIPT, "stop", instance], { stdio: "inherit" });
}

/** The client settings RGW needs (docs/s3-compatibility.md): what a hand-written script would use. */
export function rawClient(gateway: GatewayFile): S3Client {
  return new S3Client({
    endpoint: gateway.endpoint,
    region: gateway.region,
    forcePathStyle: true,
    credentials: gateway.users.admin,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

export function createContext(gateway: GatewayFile, options: BenchOptions): BenchContext {
  return {
    gateway,
    raw: rawClient(gateway),
    profile: {
      id: "bench",
      label: "bench gateway",
      endpoint: gateway.endpoint,
      region: gateway.region,
      forcePathStyle: true,
      credentials: gateway.users.admin,
    },
    options,
    runId: Date.now().toString(36),
    buckets: new Set(),
  };
}

// ---------------------------------------------------------------- buckets and seeding

export async function createBuckets(
  ctx: BenchContext,
  label: string,
  count: number,
): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `bench-${label}-${ctx.runId}-${i}`);
  for (const bucket of names) {
    await ctx.raw.send(new CreateBucketCommand({ Bucket: bucket }));
    ctx.buckets.add(bucket);
  }
  return names;
}

/** Aborts whatever uploads are left in the buckets, then deletes them. */
export async function deleteBuckets(ctx: BenchContext, buckets: Iterable<string>): Promise<void> {
  for (const bucket of [...buckets]) {
    await emptyAndDelete(ctx.raw, bucket).catch(() => undefined);
    ctx.buckets.delete(bucket);
  }
}

async function emptyAndDelete(raw: S3Client, bucket: string): Promise<void> {
  for (let round = 0; round < 1_000; round++) {
    const page = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    const uploads = page.Uploads ?? [];
    if (uploads.length === 0) break;
    await mapWithConcurrency(uploads, 32, (u) =>
      raw
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }))
        .catch(() => undefined),
    );
  }
  await raw.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
}

/** Part `n` of every seeded upload holds 16 + n bytes: tiny, yet each part has its own size. */
export function seededBytes(parts: number): number {
  return parts * 16 + (parts * (parts + 1)) / 2;
}

export interface SeedSpec {
  buckets: string[];
  count: number;
  /** Names the keys (`label/NN/file-i.bin`) and the log line. */
  label: string;
  partsFor: (i: number) => number;
  /** First index, so a pool can grow without reusing keys (default 0). */
  start?: number;
}

/** Creates `count` incomplete uploads round-robin over the buckets, with the raw SDK. */
export async function seedUploads(ctx: BenchContext, spec: SeedSpec): Promise<SeededUpload[]> {
  const start = spec.start ?? 0;
  const started = performance.now();
  const indexes = Array.from({ length: spec.count }, (_, i) => start + i);
  const seeded = await mapWithConcurrency(indexes, SEED_CONCURRENCY, async (i) => {
    const bucket = spec.buckets[i % spec.buckets.length] ?? "";
    const key = `${spec.label}/${String(i % 97).padStart(2, "0")}/file-${i}.bin`;
    const created = await ctx.raw.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
    );
    const uploadId = created.UploadId ?? "";
    const parts = spec.partsFor(i);
    for (let part = 1; part <= parts; part++) {
      await ctx.raw.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: part,
          Body: Buffer.alloc(16 + part),
        }),
      );
    }
    return { bucket, key, uploadId, parts, bytes: seededBytes(parts) };
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`  seeded ${spec.count} ${spec.label} uploads in ${seconds.toFixed(1)} s`);
  return seeded;
}

/** Uploads still listed in a bucket (to prove a cleanup left nothing). */
export async function countListed(ctx: BenchContext, bucket: string): Promise<number> {
  let count = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const answer = await ctx.raw.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    count += answer.Uploads?.length ?? 0;
    // RGW sends short pages with IsTruncated=true: follow the markers, not the page size.
    if (!answer.IsTruncated) return count;
    keyMarker = answer.NextKeyMarker;
    uploadIdMarker = answer.NextUploadIdMarker;
  }
  throw new Error(`ListMultipartUploads of ${bucket} did not end`);
}

// ---------------------------------------------------------------- counting with the raw SDK

export interface Totals {
  uploads: number;
  parts: number;
  bytes: number;
}

/**
 * Every incomplete upload of these buckets (ListMultipartUploads, all buckets at once), with
 * the raw SDK. RGW sends short pages with IsTruncated=true: follow the markers, not the size.
 */
export async function rawListUploads(raw: S3Client, buckets: string[]): Promise<UploadRef[]> {
  const refs: UploadRef[] = [];
  await mapWithConcurrency(buckets, buckets.length, async (bucket) => {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await raw.send(
        new ListMultipartUploadsCommand({
          Bucket: bucket,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      );
      for (const u of page.Uploads ?? [])
        refs.push({ bucket, key: u.Key ?? "", uploadId: u.UploadId ?? "" });
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.NextUploadIdMarker;
    } while (keyMarker);
  });
  return refs;
}

/** The uploads listed (rawListUploads), then ListParts per upload with C workers. */
export async function rawInventory(
  raw: S3Client,
  buckets: string[],
  concurrency: number,
): Promise<Totals> {
  const refs = await rawListUploads(raw, buckets);
  const totals: Totals = { uploads: refs.length, parts: 0, bytes: 0 };
  await mapWithConcurrency(refs, concurrency, async (ref) => {
    let marker: string | undefined;
    do {
      const page = await raw.send(
        new ListPartsCommand({
          Bucket: ref.bucket,
          Key: ref.key,
          UploadId: ref.uploadId,
          PartNumberMarker: marker,
        }),
      );
      for (const part of page.Parts ?? []) {
        totals.parts++;
        totals.bytes += part.Size ?? 0;
      }
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  });
  return totals;
}

export function sameTotals(a: Totals, b: Totals): boolean {
  return a.uploads === b.uploads && a.parts === b.parts && a.bytes === b.bytes;
}

/** What ListParts must report for these seeded uploads, summed. */
export function expectedTotals(uploads: readonly SeededUpload[]): Totals {
  let parts = 0;
  let bytes = 0;
  for (const upload of uploads) {
    parts += upload.parts;
    bytes += upload.bytes;
  }
  return { uploads: uploads.length, parts, bytes };
}

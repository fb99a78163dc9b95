/*
 * bench/inventory-bench.ts — lib/s3 against the raw SDK on a real Ceph RGW, same run.
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/inventory-bench.ts [--uploads N]
 *       [--concurrency C] [--rounds R] [--sweep]
 *
 * (`--conditions=react-server` makes `server-only` resolve to its empty module, as in a
 * Next.js server bundle; `NODE_OPTIONS=--conditions=react-server` works too.)
 *
 * 1. Starts the `bench` gateway unless it is running (and stops it at the end only then).
 * 2. Seeds N incomplete uploads (default 2,000) over 4 fresh buckets with the raw SDK:
 *    most with 0–2 tiny parts, every 40th with 25 parts.
 * 3. Inventory: lib/s3 `collectInventory` (the app's code path) vs the raw SDK doing exactly
 *    the needed requests (ListMultipartUploads pages, then ListParts per upload) at the same
 *    concurrency. Rounds alternate lib/raw; the median counts. Both must agree on totals.
 * 4. Abort + verify: lib/s3 `abortAndVerify` (abort, then ListParts proving the upload gone;
 *    the parts snapshot given, as a caller holding the inventory does) vs raw SDK aborts
 *    alone, each on its own freshly seeded uploads. Also reported: abortAndVerify reading its
 *    own snapshot first (one more ListParts per upload).
 * Prints a table and writes JSON to bench/out/.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
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
import { abortAndVerify } from "@/lib/s3/abort";
import { createS3Client } from "@/lib/s3/client";
import { mapWithConcurrency } from "@/lib/s3/concurrency";
import { collectInventory } from "@/lib/s3/inventory";
import type { UploadRef } from "@/lib/s3/types";
import { type BenchRow, median, perSecond, printTable, REPO, timed, writeResults } from "./report";

const INSTANCE = "bench";
const BUCKETS = 4;
const INVENTORY_TARGET = 0.9;
const ABORT_TARGET = 0.45;

interface Options {
  uploads: number;
  concurrency: number;
  rounds: number;
  sweep: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { uploads: 2_000, concurrency: 16, rounds: 5, sweep: false };
  const usage =
    "usage: tsx --conditions=react-server bench/inventory-bench.ts [--uploads N] [--concurrency C] [--rounds R] [--sweep]";
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--sweep") {
      options.sweep = true;
      continue;
    }
    const value = Number(argv[++i]);
    if (!Number.isInteger(value) || value < 1) throw new Error(usage);
    if (flag === "--uploads") options.uploads = value;
    else if (flag === "--concurrency") options.concurrency = value;
    else if (flag === "--rounds") options.rounds = value;
    else throw new Error(usage);
  }
  return options;
}

// ---------------------------------------------------------------- gateway

interface GatewayFile {
  endpoint: string;
  region: string;
  users: { admin: { accessKeyId: string; secretAccessKey: string } };
}

function gatewayRunning(): boolean {
  return (
    spawnSync("bash", [path.join(REPO, "scripts/gateway.sh"), "status", INSTANCE], {
      stdio: "ignore",
    }).status === 0
  );
}

function ensureGateway(): { gateway: GatewayFile; startedHere: boolean } {
  const startedHere = !gatewayRunning();
  if (startedHere)
    execFileSync("bash", [path.join(REPO, "scripts/gateway.sh"), "start", INSTANCE], {
      stdio: "inherit",
    });
  const gateway = JSON.parse(
    fs.readFileSync(path.join(REPO, ".data", INSTANCE, "gateway.json"), "utf8"),
  ) as GatewayFile;
  const host = new URL(gateway.endpoint).hostname;
  if (host !== "127.0.0.1" && host !== "localhost")
    throw new Error(`refusing to benchmark non-loopback ${gateway.endpoint}`);
  return { gateway, startedHere };
}

function rawClient(gateway: GatewayFile): S3Client {
  // Exactly RGW.md's settings: what a hand-written script would use.
  return new S3Client({
    endpoint: gateway.endpoint,
    region: gateway.region,
    forcePathStyle: true,
    credentials: gateway.users.admin,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

function benchProfile(gateway: GatewayFile): Profile {
  return {
    id: "bench",
    label: "bench gateway",
    endpoint: gateway.endpoint,
    region: gateway.region,
    forcePathStyle: true,
    credentials: gateway.users.admin,
  };
}

// ---------------------------------------------------------------- seeding

async function seedUploads(
  raw: S3Client,
  buckets: string[],
  count: number,
  concurrency: number,
  label: string,
  partsFor: (i: number) => number,
): Promise<UploadRef[]> {
  const started = performance.now();
  const refs = await mapWithConcurrency(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async (i) => {
      const bucket = buckets[i % buckets.length] ?? "";
      const key = `${label}/${String(i % 97).padStart(2, "0")}/file-${i}.bin`;
      const created = await raw.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
      );
      const uploadId = created.UploadId ?? "";
      for (let part = 1; part <= partsFor(i); part++) {
        await raw.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: part,
            Body: Buffer.alloc(16 + part),
          }),
        );
      }
      return { bucket, key, uploadId };
    },
  );
  console.log(
    `  seeded ${count} ${label} uploads in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return refs;
}

async function emptyAndDelete(raw: S3Client, bucket: string): Promise<void> {
  for (let round = 0; round < 100; round++) {
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

// ---------------------------------------------------------------- raw baselines

interface Totals {
  uploads: number;
  parts: number;
  bytes: number;
}

/** ListMultipartUploads per bucket (4 at once), then ListParts per upload with C workers. */
async function rawInventory(
  raw: S3Client,
  buckets: string[],
  concurrency: number,
): Promise<Totals> {
  const refs: UploadRef[] = [];
  await mapWithConcurrency(buckets, BUCKETS, async (bucket) => {
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

// ---------------------------------------------------------------- measuring

function sameTotals(a: Totals, b: Totals): boolean {
  return a.uploads === b.uploads && a.parts === b.parts && a.bytes === b.bytes;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const { gateway, startedHere } = ensureGateway();
  const raw = rawClient(gateway);
  const profile = benchProfile(gateway);
  const lib = createS3Client(profile, { concurrency: options.concurrency });
  const runId = Date.now().toString(36);
  const buckets = Array.from({ length: BUCKETS }, (_, i) => `bench-inv-${runId}-${i}`);
  const abortBuckets = [`bench-abort-${runId}`];
  const rows: BenchRow[] = [];
  const C = options.concurrency;
  console.log(
    `bench: ${options.uploads} uploads, concurrency ${C}, ${options.rounds} rounds, ${os.cpus().length} CPUs, node ${process.version}`,
  );

  try {
    for (const bucket of [...buckets, ...abortBuckets])
      await raw.send(new CreateBucketCommand({ Bucket: bucket }));
    await seedUploads(raw, buckets, options.uploads, 16, "inventory", (i) =>
      i % 40 === 0 ? 25 : i % 3,
    );

    // ---- inventory: warm both paths once, then alternate rounds
    const libRun = async () => {
      const inventory = await collectInventory(profile, { buckets, concurrency: C, client: lib });
      if (!inventory.totals.complete)
        throw new Error(
          `lib inventory incomplete: ${JSON.stringify(inventory.buckets.map((b) => b.error?.message))}`,
        );
      return {
        uploads: inventory.totals.uploads,
        parts: inventory.totals.parts,
        bytes: inventory.totals.bytes,
      };
    };
    const rawRun = () => rawInventory(raw, buckets, C);
    const libWarm = await libRun();
    const rawWarm = await rawRun();
    if (!sameTotals(libWarm, rawWarm) || libWarm.uploads !== options.uploads) {
      throw new Error(
        `lib and raw disagree: lib ${JSON.stringify(libWarm)} raw ${JSON.stringify(rawWarm)}`,
      );
    }
    const libTimes: number[] = [];
    const rawTimes: number[] = [];
    const libCpu: number[] = [];
    const rawCpu: number[] = [];
    // Alternate which side goes first, so drift in the host's load hits both alike.
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? (["lib", "raw"] as const) : (["raw", "lib"] as const);
      for (const side of order) {
        const run = await timed(side === "lib" ? libRun : rawRun);
        (side === "lib" ? libTimes : rawTimes).push(run.seconds);
        (side === "lib" ? libCpu : rawCpu).push(run.cpuSeconds);
      }
    }
    const rawInv = median(rawTimes);
    const libInv = median(libTimes);
    rows.push({
      section: "inventory",
      operation: `raw SDK, c=${C}`,
      n: options.uploads,
      seconds: rawInv,
      result: perSecond(options.uploads, rawInv),
      ratio: null,
      baseline: null,
      target: null,
      pass: null,
    });
    // Each round's lib and raw runs sit side by side in time: the median of their ratios
    // cancels the drift of a busy host better than a ratio of medians.
    const invRatio = median(libTimes.map((seconds, i) => (rawTimes[i] ?? 0) / seconds));
    rows.push({
      section: "inventory",
      operation: `Reclaim lib/s3, c=${C}`,
      n: options.uploads,
      seconds: libInv,
      result: perSecond(options.uploads, libInv),
      ratio: invRatio,
      baseline: "raw SDK",
      target: `≥ ${INVENTORY_TARGET}×`,
      pass: invRatio >= INVENTORY_TARGET,
    });

    console.log(
      `  client CPU per inventory (median): lib ${median(libCpu).toFixed(2)} s, raw ${median(rawCpu).toFixed(2)} s; wall lib ${libTimes.map((t) => t.toFixed(2)).join("/")} raw ${rawTimes.map((t) => t.toFixed(2)).join("/")}`,
    );
    if (options.sweep) {
      for (const concurrency of [2, 4, 8, 16, 32, 64]) {
        const sweepClient = createS3Client(profile, { concurrency });
        const times: number[] = [];
        for (let round = 0; round < options.rounds; round++) {
          times.push(
            (
              await timed(() =>
                collectInventory(profile, { buckets, concurrency, client: sweepClient }),
              )
            ).seconds,
          );
        }
        const seconds = median(times);
        rows.push({
          section: "scaling",
          operation: `inventory, c=${concurrency}`,
          n: options.uploads,
          seconds,
          result: perSecond(options.uploads, seconds),
          ratio: null,
          baseline: null,
          target: null,
          pass: null,
        });
        sweepClient.destroy();
      }
    }

    // ---- abort + verify: each side on its own fresh uploads (1 small part each)
    const abortCount = Math.max(100, Math.floor(options.uploads / 2));
    const rawRefs = await seedUploads(raw, abortBuckets, abortCount, 16, "raw-abort", () => 1);
    const rawAbort = await timed(() =>
      mapWithConcurrency(rawRefs, C, (ref) =>
        raw.send(
          new AbortMultipartUploadCommand({
            Bucket: ref.bucket,
            Key: ref.key,
            UploadId: ref.uploadId,
          }),
        ),
      ),
    );
    rows.push({
      section: "abort",
      operation: `raw SDK abort (no verify), c=${C}`,
      n: abortCount,
      seconds: rawAbort.seconds,
      result: perSecond(abortCount, rawAbort.seconds),
      ratio: null,
      baseline: null,
      target: null,
      pass: null,
    });

    const libRefs = await seedUploads(raw, abortBuckets, abortCount, 16, "lib-abort", () => 1);
    const libAbort = await timed(() =>
      mapWithConcurrency(libRefs, C, (ref) =>
        abortAndVerify(profile, ref, { client: lib, snapshot: { parts: 1, bytes: 17 } }),
      ),
    );
    const notReclaimed = libAbort.value.filter((r) => r.outcome !== "reclaimed");
    if (notReclaimed.length > 0)
      throw new Error(
        `${notReclaimed.length} lib aborts not reclaimed, first: ${JSON.stringify(notReclaimed[0])}`,
      );
    const abortRatio = rawAbort.seconds / libAbort.seconds;
    rows.push({
      section: "abort",
      operation: `Reclaim abort+verify, c=${C}`,
      n: abortCount,
      seconds: libAbort.seconds,
      result: perSecond(abortCount, libAbort.seconds),
      ratio: abortRatio,
      baseline: "raw SDK abort",
      target: `≥ ${ABORT_TARGET}×`,
      pass: abortRatio >= ABORT_TARGET,
    });

    const fullRefs = await seedUploads(
      raw,
      abortBuckets,
      abortCount,
      16,
      "lib-abort-full",
      () => 1,
    );
    const fullAbort = await timed(() =>
      mapWithConcurrency(fullRefs, C, (ref) => abortAndVerify(profile, ref, { client: lib })),
    );
    rows.push({
      section: "abort",
      operation: `Reclaim snapshot+abort+verify, c=${C}`,
      n: abortCount,
      seconds: fullAbort.seconds,
      result: perSecond(abortCount, fullAbort.seconds),
      ratio: rawAbort.seconds / fullAbort.seconds,
      baseline: "raw SDK abort",
      target: null,
      pass: null,
    });

    console.log("");
    printTable(rows);
    const outFile = writeResults(
      "inventory-bench",
      { options, inventory: { libTimes, rawTimes, libCpuSeconds: libCpu, rawCpuSeconds: rawCpu } },
      rows,
    );
    console.log(`\nwrote ${path.relative(REPO, outFile)}`);
    if (rows.some((r) => r.pass === false)) process.exitCode = 1;
  } finally {
    for (const bucket of [...buckets, ...abortBuckets])
      await emptyAndDelete(raw, bucket).catch(() => undefined);
    lib.destroy();
    raw.destroy();
    if (startedHere)
      execFileSync("bash", [path.join(REPO, "scripts/gateway.sh"), "stop", INSTANCE], {
        stdio: "inherit",
      });
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

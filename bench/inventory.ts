/*
 * bench/inventory.ts — section "inventory": lib/s3 `collectInventory` (the list action's code
 * path) against the raw SDK doing exactly the needed requests (ListMultipartUploads pages,
 * then ListParts per upload) at the same concurrency, on the same seeded uploads.
 * Rounds alternate lib/raw and the median counts; both must agree on the totals.
 *
 * The seeded pool (N uploads over 4 buckets, most with 0–2 tiny parts, every 40th with 25)
 * is reused by the CLI comparison and the concurrency sweep.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { createS3Client } from "@/lib/s3/client";
import { collectInventory } from "@/lib/s3/inventory";
import {
  type BenchContext,
  createBuckets,
  expectedTotals,
  rawInventory,
  sameTotals,
  type SeededUpload,
  seedUploads,
  type Totals,
} from "./gateway";
import { type BenchRow, median, timed } from "./report";
import { rateRow } from "./rows";

const POOL_BUCKETS = 4;
const INVENTORY_TARGET = 0.9;

export interface InventoryPool {
  buckets: string[];
  uploads: SeededUpload[];
}

export async function seedInventoryPool(ctx: BenchContext): Promise<InventoryPool> {
  const buckets = await createBuckets(ctx, "inv", POOL_BUCKETS);
  const uploads = await seedUploads(ctx, {
    buckets,
    count: ctx.options.uploads,
    label: "inventory",
    partsFor: (i) => (i % 40 === 0 ? 25 : i % 3),
  });
  return { buckets, uploads };
}

/** Reclaim's inventory of these buckets; throws unless it is complete. */
export async function libInventory(
  ctx: BenchContext,
  buckets: string[],
  concurrency: number,
  client: S3Client,
): Promise<Totals> {
  const inventory = await collectInventory(ctx.profile, { buckets, concurrency, client });
  if (!inventory.totals.complete)
    throw new Error(
      `lib inventory incomplete: ${JSON.stringify(inventory.buckets.map((b) => b.error?.message))}`,
    );
  const { uploads, parts, bytes } = inventory.totals;
  return { uploads, parts, bytes };
}

export interface InventoryResult {
  rows: BenchRow[];
  /** Median seconds of Reclaim's inventory of the pool (the CLI rows compare against it). */
  libSeconds: number;
  details: Record<string, unknown>;
}

export async function runInventoryBench(
  ctx: BenchContext,
  pool: InventoryPool,
): Promise<InventoryResult> {
  const { rounds, concurrency: C } = ctx.options;
  const expected = expectedTotals(pool.uploads);
  const lib = createS3Client(ctx.profile, { concurrency: C });
  try {
    const libRun = () => libInventory(ctx, pool.buckets, C, lib);
    const rawRun = () => rawInventory(ctx.raw, pool.buckets, C);
    // Warm both paths once (sockets, JIT) and prove they count the same thing.
    const libWarm = await libRun();
    const rawWarm = await rawRun();
    if (!sameTotals(libWarm, expected) || !sameTotals(rawWarm, expected))
      throw new Error(
        `inventories disagree with the seed: lib ${JSON.stringify(libWarm)} raw ${JSON.stringify(rawWarm)} seeded ${JSON.stringify(expected)}`,
      );
    const libTimes: number[] = [];
    const rawTimes: number[] = [];
    const libCpu: number[] = [];
    const rawCpu: number[] = [];
    // Alternate which side goes first, so drift in the host's load hits both alike.
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (["lib", "raw"] as const) : (["raw", "lib"] as const);
      for (const side of order) {
        const run = await timed(side === "lib" ? libRun : rawRun);
        (side === "lib" ? libTimes : rawTimes).push(run.seconds);
        (side === "lib" ? libCpu : rawCpu).push(run.cpuSeconds);
      }
    }
    const libSeconds = median(libTimes);
    // Each round's lib and raw runs sit side by side in time: the median of their ratios
    // cancels the drift of a busy host better than a ratio of medians.
    const ratio = median(libTimes.map((seconds, i) => (rawTimes[i] ?? 0) / seconds));
    console.log(
      `  client CPU per inventory (median): lib ${median(libCpu).toFixed(2)} s, raw ${median(rawCpu).toFixed(2)} s`,
    );
    const n = pool.uploads.length;
    return {
      rows: [
        rateRow({
          section: "inventory",
          operation: `raw SDK, c=${C}`,
          n,
          seconds: median(rawTimes),
        }),
        rateRow(
          { section: "inventory", operation: `Reclaim lib/s3, c=${C}`, n, seconds: libSeconds },
          { ratio, baseline: "raw SDK", min: INVENTORY_TARGET },
        ),
      ],
      libSeconds,
      details: { libTimes, rawTimes, libCpuSeconds: libCpu, rawCpuSeconds: rawCpu },
    };
  } finally {
    lib.destroy();
  }
}

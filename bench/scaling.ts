/*
 * bench/scaling.ts — section "scaling": how Reclaim's inventory time grows
 *   - with the number of uploads (500 / 2,000 / 8,000, and N when `--uploads N` is larger),
 *     on a pool that grows between points;
 *   - with the parts per upload (1 / 10 / 100 parts on a fixed number of uploads);
 * and a concurrency sweep (2…64) on the inventory pool, which names the concurrency that
 * maximizes throughput here and compares it with the app's default (RECLAIM_S3_CONCURRENCY).
 * Every inventory is checked against what was seeded.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { getEnv } from "@/lib/env";
import { createS3Client } from "@/lib/s3/client";
import {
  type BenchContext,
  createBuckets,
  deleteBuckets,
  expectedTotals,
  sameTotals,
  type SeededUpload,
  seedUploads,
} from "./gateway";
import { type InventoryPool, libInventory } from "./inventory";
import { type BenchRow, median, timed } from "./report";
import { rateRow } from "./rows";

const SECTION = "scaling";
const SWEEP = [2, 4, 8, 16, 32, 64];
/** A default is worth changing only when another concurrency beats it by this much. */
const CLEARLY_BETTER = 1.15;

function scalingRounds(ctx: BenchContext): number {
  // Each point is a whole inventory; three rounds give a median without doubling the run.
  return Math.min(ctx.options.rounds, 3);
}

/** Median seconds of `rounds` inventories of the buckets, each checked against the seed. */
async function timeInventory(
  ctx: BenchContext,
  client: S3Client,
  buckets: string[],
  concurrency: number,
  seeded: readonly SeededUpload[],
  rounds: number,
): Promise<number> {
  const expected = expectedTotals(seeded);
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const run = await timed(() => libInventory(ctx, buckets, concurrency, client));
    if (!sameTotals(run.value, expected))
      throw new Error(
        `inventory ${JSON.stringify(run.value)} ≠ seeded ${JSON.stringify(expected)}`,
      );
    times.push(run.seconds);
  }
  return median(times);
}

async function byUploads(ctx: BenchContext, client: S3Client, concurrency: number) {
  const sizes = ctx.options.quick ? [250, 1_000] : [500, 2_000, 8_000];
  if (ctx.options.uploads > (sizes.at(-1) ?? 0)) sizes.push(ctx.options.uploads);
  const buckets = await createBuckets(ctx, "scale", 4);
  const rows: BenchRow[] = [];
  const seeded: SeededUpload[] = [];
  let firstPerUpload = 0;
  try {
    for (const size of sizes) {
      // Grow the pool to this size: the earlier uploads stay, as on a real endpoint.
      seeded.push(
        ...(await seedUploads(ctx, {
          buckets,
          count: size - seeded.length,
          label: "scale",
          partsFor: () => 1,
          start: seeded.length,
        })),
      );
      // One long inventory of 8,000+ uploads averages the noise by itself.
      const rounds = size >= 8_000 ? 1 : scalingRounds(ctx);
      const seconds = await timeInventory(ctx, client, buckets, concurrency, seeded, rounds);
      firstPerUpload ||= seconds / size;
      rows.push(
        rateRow(
          {
            section: SECTION,
            operation: `inventory ${size.toLocaleString("en-US")} uploads × 1 part`,
            n: size,
            seconds,
          },
          // ≈1× means time grows linearly with the uploads; below 1× it grows faster.
          {
            ratio: firstPerUpload / (seconds / size),
            baseline: `per-upload speed vs N=${sizes[0]}`,
          },
        ),
      );
    }
  } finally {
    await deleteBuckets(ctx, buckets);
  }
  return rows;
}

async function byParts(ctx: BenchContext, client: S3Client, concurrency: number) {
  // 50 × (1 + 10 + 100) parts is already ~5,500 UploadPart requests to seed.
  const uploads = ctx.options.quick ? 20 : 50;
  const rows: BenchRow[] = [];
  let firstSeconds = 0;
  for (const parts of [1, 10, 100]) {
    const buckets = await createBuckets(ctx, `parts${parts}`, 1);
    try {
      const seeded = await seedUploads(ctx, {
        buckets,
        count: uploads,
        label: `parts-${parts}`,
        partsFor: () => parts,
      });
      const seconds = await timeInventory(
        ctx,
        client,
        buckets,
        concurrency,
        seeded,
        scalingRounds(ctx),
      );
      firstSeconds ||= seconds;
      rows.push(
        rateRow(
          {
            section: SECTION,
            operation: `inventory ${uploads} uploads × ${parts} part${parts === 1 ? "" : "s"}`,
            n: uploads,
            seconds,
            detail: `${Math.round((uploads * parts) / seconds).toLocaleString("en-US")} parts/s`,
          },
          { ratio: firstSeconds / seconds, baseline: "per-upload speed vs 1 part" },
        ),
      );
    } finally {
      await deleteBuckets(ctx, buckets);
    }
  }
  return rows;
}

/** Concurrency sweep on the inventory pool; rounds interleave the settings against drift. */
async function sweep(ctx: BenchContext, pool: InventoryPool, appDefault: number) {
  const clients = new Map(SWEEP.map((c) => [c, createS3Client(ctx.profile, { concurrency: c })]));
  const times = new Map(SWEEP.map((c) => [c, [] as number[]]));
  try {
    const rounds = scalingRounds(ctx);
    for (let round = 0; round < rounds; round++) {
      // Rotate the order each round so no setting always runs first (or after the slowest).
      const order = SWEEP.map((_, i) => SWEEP[(i + round) % SWEEP.length] ?? 2);
      for (const c of order) {
        const client = clients.get(c);
        if (!client) continue;
        times.get(c)?.push(await timeInventory(ctx, client, pool.buckets, c, pool.uploads, 1));
      }
    }
  } finally {
    for (const client of clients.values()) client.destroy();
  }
  const n = pool.uploads.length;
  const seconds = new Map(SWEEP.map((c) => [c, median(times.get(c) ?? [])]));
  const best = SWEEP.reduce((a, b) =>
    (seconds.get(b) ?? Infinity) < (seconds.get(a) ?? Infinity) ? b : a,
  );
  const bestSeconds = seconds.get(best) ?? 0;
  const defaultSeconds = seconds.get(appDefault);
  const rows = SWEEP.map((c) =>
    rateRow({
      section: SECTION,
      operation: `sweep c=${c}${c === appDefault ? " (app default)" : ""}${c === best ? " (best)" : ""}`,
      n,
      seconds: seconds.get(c) ?? 0,
    }),
  );
  if (defaultSeconds !== undefined) {
    const ratio = defaultSeconds / bestSeconds;
    rows.push(
      rateRow(
        {
          section: SECTION,
          operation: `best c=${best} vs app default c=${appDefault}`,
          n,
          seconds: bestSeconds,
          note:
            ratio >= CLEARLY_BETTER
              ? `c=${best} is ${ratio.toFixed(2)}× the default's throughput: worth making it the default`
              : `the default is within ${Math.round((CLEARLY_BETTER - 1) * 100)}% of the best: keep it`,
        },
        { ratio, baseline: `app default c=${appDefault}` },
      ),
    );
  }
  return { rows, seconds: Object.fromEntries(seconds), best };
}

export async function runScalingBench(
  ctx: BenchContext,
  pool: InventoryPool,
): Promise<{ rows: BenchRow[]; details: Record<string, unknown> }> {
  const appDefault = getEnv().RECLAIM_S3_CONCURRENCY;
  const client = createS3Client(ctx.profile, { concurrency: appDefault });
  try {
    const swept = await sweep(ctx, pool, appDefault);
    const rows = [
      ...swept.rows,
      ...(await byUploads(ctx, client, appDefault)),
      ...(await byParts(ctx, client, appDefault)),
    ];
    return {
      rows,
      details: { sweepSeconds: swept.seconds, bestConcurrency: swept.best, appDefault },
    };
  } finally {
    client.destroy();
  }
}

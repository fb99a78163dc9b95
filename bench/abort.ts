/*
 * bench/abort.ts — section "abort": lib/s3 `abortAndVerify` (abort, then ListParts proving
 * the upload gone; the parts snapshot given, as a caller holding the inventory does) against
 * raw SDK aborts alone at the same concurrency, each on its own freshly seeded uploads.
 * Also reported: abortAndVerify reading its own snapshot first (one more ListParts each).
 */
import { AbortMultipartUploadCommand } from "@aws-sdk/client-s3";
import { abortAndVerify } from "@/lib/s3/abort";
import { createS3Client } from "@/lib/s3/client";
import { mapWithConcurrency } from "@/lib/s3/concurrency";
import type { AbortResult } from "@/lib/s3/types";
import {
  type BenchContext,
  createBuckets,
  deleteBuckets,
  type SeededUpload,
  seedUploads,
} from "./gateway";
import { type BenchRow, timed } from "./report";
import { rateRow } from "./rows";

const ABORT_TARGET = 0.45;

/** Fresh uploads with one 17-byte part each, for one side of an abort comparison. */
export function seedAbortable(
  ctx: BenchContext,
  buckets: string[],
  count: number,
  label: string,
): Promise<SeededUpload[]> {
  return seedUploads(ctx, { buckets, count, label, partsFor: () => 1 });
}

/** Raw SDK aborts, no verification: the ceiling any abort path is compared with. */
export function rawAbort(
  ctx: BenchContext,
  uploads: readonly SeededUpload[],
  concurrency: number,
): Promise<unknown> {
  return mapWithConcurrency(uploads, concurrency, (u) =>
    ctx.raw.send(
      new AbortMultipartUploadCommand({ Bucket: u.bucket, Key: u.key, UploadId: u.uploadId }),
    ),
  );
}

function requireReclaimed(results: AbortResult[]): void {
  const missed = results.filter((r) => r.outcome !== "reclaimed");
  if (missed.length > 0)
    throw new Error(
      `${missed.length} lib aborts not reclaimed, first: ${JSON.stringify(missed[0])}`,
    );
}

export async function runAbortBench(ctx: BenchContext): Promise<BenchRow[]> {
  const C = ctx.options.concurrency;
  const n = Math.max(100, Math.floor(ctx.options.uploads / 2));
  const buckets = await createBuckets(ctx, "abort", 1);
  const lib = createS3Client(ctx.profile, { concurrency: C });
  try {
    const rawUploads = await seedAbortable(ctx, buckets, n, "raw-abort");
    const raw = await timed(() => rawAbort(ctx, rawUploads, C));

    const libUploads = await seedAbortable(ctx, buckets, n, "lib-abort");
    const withSnapshot = await timed(() =>
      mapWithConcurrency(libUploads, C, (u) =>
        abortAndVerify(ctx.profile, u, {
          client: lib,
          snapshot: { parts: u.parts, bytes: u.bytes },
        }),
      ),
    );
    requireReclaimed(withSnapshot.value);

    const fullUploads = await seedAbortable(ctx, buckets, n, "lib-abort-full");
    const full = await timed(() =>
      mapWithConcurrency(fullUploads, C, (u) => abortAndVerify(ctx.profile, u, { client: lib })),
    );
    requireReclaimed(full.value);

    const section = "abort";
    return [
      rateRow({ section, operation: `raw SDK abort (no verify), c=${C}`, n, seconds: raw.seconds }),
      rateRow(
        { section, operation: `Reclaim abort+verify, c=${C}`, n, seconds: withSnapshot.seconds },
        { ratio: raw.seconds / withSnapshot.seconds, baseline: "raw SDK abort", min: ABORT_TARGET },
      ),
      rateRow(
        { section, operation: `Reclaim snapshot+abort+verify, c=${C}`, n, seconds: full.seconds },
        { ratio: raw.seconds / full.seconds, baseline: "raw SDK abort" },
      ),
    ];
  } finally {
    lib.destroy();
    await deleteBuckets(ctx, buckets);
  }
}

// The uploads summary: totals for the rows in view and for all rows, and one chip per bucket.
import { formatBytes } from "@/lib/format";
import { compareText } from "@/lib/uploads/filter-sort";
import type { BucketInventory, ReclaimError, UploadRow } from "@/lib/uploads/types";

export interface Totals {
  uploads: number;
  parts: number;
  bytes: number;
  /** Rows whose parts are not known yet (counted as 0 parts / 0 bytes above). */
  counting: number;
  /** Rows whose parts could not be read (partsError). */
  unreadable: number;
}

export interface BucketChip extends Totals {
  bucket: string;
  /** The bucket could not be listed (completely or partly). */
  error: ReclaimError | null;
  /** False when the listing stopped early: numbers are a lower bound. */
  complete: boolean;
}

export interface Summary {
  inView: Totals;
  total: Totals;
  buckets: BucketChip[];
}

function emptyTotals(): Totals {
  return { uploads: 0, parts: 0, bytes: 0, counting: 0, unreadable: 0 };
}

function addRow(totals: Totals, row: UploadRow): void {
  totals.uploads += 1;
  if (row.partsInfo) {
    totals.parts += row.partsInfo.parts;
    totals.bytes += row.partsInfo.bytes;
  } else if (row.partsError) {
    totals.unreadable += 1;
  } else {
    totals.counting += 1;
  }
}

export function totalsOf(rows: readonly UploadRow[]): Totals {
  const totals = emptyTotals();
  for (const row of rows) addRow(totals, row);
  return totals;
}

/**
 * Totals for the rows in view and for all rows, and one chip per bucket (every bucket the
 * listing covered, also those with no uploads or that could not be listed).
 */
export function summarize(
  allRows: readonly UploadRow[],
  rowsInView: readonly UploadRow[],
  buckets: readonly BucketInventory[],
): Summary {
  const byBucket = new Map<string, BucketChip>();
  for (const b of buckets) {
    byBucket.set(b.bucket, {
      bucket: b.bucket,
      ...emptyTotals(),
      error: b.error ?? null,
      complete: b.complete,
    });
  }
  for (const row of allRows) {
    let chip = byBucket.get(row.bucket);
    if (!chip) {
      chip = { bucket: row.bucket, ...emptyTotals(), error: null, complete: true };
      byBucket.set(row.bucket, chip);
    }
    addRow(chip, row);
  }
  const chips = [...byBucket.values()].sort((a, b) => compareText(a.bucket, b.bucket));
  return { inView: totalsOf(rowsInView), total: totalsOf(allRows), buckets: chips };
}

/** One line for a bucket chip: "1,050 uploads · 7.5 MiB", or what went wrong. */
export function describeBucket(chip: BucketChip): string {
  if (chip.error && chip.uploads === 0) {
    return chip.error.code === "access-denied" ? "access denied" : chip.error.message;
  }
  const base = `${chip.uploads.toLocaleString("en-US")} ${chip.uploads === 1 ? "upload" : "uploads"} · ${formatBytes(chip.bytes)}`;
  if (chip.error)
    return `${base} (partly listed: ${chip.error.code === "access-denied" ? "access denied" : chip.error.message})`;
  if (!chip.complete) return `${base} (partly listed)`;
  return base;
}

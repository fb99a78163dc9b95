/*
 * bench/rows.ts — builds the table rows the sections print, so a rate, a ratio and its
 * target are formatted (and judged) the same way everywhere.
 */
import { type BenchRow, perSecond } from "./report";

export interface Rate {
  section: string;
  operation: string;
  /** Items covered (uploads unless `unit` says otherwise). */
  n: number;
  seconds: number;
  unit?: string;
  /** Extra text after the rate, e.g. the parts/s of the same run. */
  detail?: string;
  note?: string;
}

export interface Comparison {
  /** Reclaim over the baseline, higher = better for Reclaim. */
  ratio: number;
  baseline: string;
  /** Minimum ratio the issue asks for; omitted = informational. */
  min?: number;
}

export function rateRow(rate: Rate, comparison?: Comparison): BenchRow {
  const result = perSecond(rate.n, rate.seconds, rate.unit);
  const min = comparison?.min;
  return {
    section: rate.section,
    operation: rate.operation,
    n: rate.n,
    seconds: rate.seconds,
    result: rate.detail ? `${result}, ${rate.detail}` : result,
    ratio: comparison?.ratio ?? null,
    baseline: comparison?.baseline ?? null,
    target: min === undefined ? null : `≥ ${min}×`,
    pass: min === undefined || !comparison ? null : comparison.ratio >= min,
    ...(rate.note ? { note: rate.note } : {}),
  };
}

/*
 * bench/report.ts — what every benchmark section returns, and how the run prints and saves it.
 * A section is a function returning BenchRow[]; bench/inventory-bench.ts is the entry point
 * that runs the sections and prints one table at the end.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const REPO = path.resolve(__dirname, "..");
export const OUT_DIR = path.join(REPO, "bench/out");

export interface BenchRow {
  /** Groups rows in the printed table: "inventory", "abort", "bulk", "browser", "memory", "scaling"… */
  section: string;
  operation: string;
  /** Uploads (or rows) the operation covered; null when not a count. */
  n: number | null;
  seconds: number | null;
  /** The headline figure with its unit, e.g. "1,234 uploads/s", "1.42 s", "212 MB". */
  result: string;
  /** Reclaim over the baseline, oriented so that higher is better for Reclaim; null = no comparison. */
  ratio: number | null;
  /** What `ratio` compares against, e.g. "raw SDK", "aws-cli loop". */
  baseline: string | null;
  /** The target as printed, e.g. "≥ 0.9×", "≤ 2 s". */
  target: string | null;
  pass: boolean | null;
  note?: string;
}

/** Wall time, and this process's CPU time (the client's own cost, robust to a busy host). */
export async function timed<T>(
  fn: () => Promise<T>,
): Promise<{ seconds: number; cpuSeconds: number; value: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    value,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function perSecond(n: number, seconds: number, unit = "uploads/s"): string {
  const rate = n / seconds;
  return `${rate >= 100 ? Math.round(rate).toLocaleString("en-US") : rate.toFixed(1)} ${unit}`;
}

export function printTable(rows: BenchRow[]): void {
  const header = ["section", "operation", "N", "seconds", "result", "ratio", "vs", "target", "met"];
  const lines = rows.map((r) => [
    r.section,
    r.operation,
    r.n === null ? "—" : r.n.toLocaleString("en-US"),
    r.seconds === null ? "—" : r.seconds.toFixed(3),
    r.result,
    r.ratio === null ? "—" : `${r.ratio >= 10 ? r.ratio.toFixed(0) : r.ratio.toFixed(2)}×`,
    r.baseline ?? "",
    r.target ?? "—",
    r.pass === null ? "" : r.pass ? "pass" : "MISS",
  ]);
  const numeric = new Set([2, 3, 4, 5]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  console.log(format(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  let section = "";
  for (const [i, line] of lines.entries()) {
    if (i > 0 && rows[i]?.section !== section) console.log("");
    section = rows[i]?.section ?? "";
    console.log(format(line));
  }
  for (const row of rows.filter((r) => r.note))
    console.log(`  note (${row.operation}): ${row.note}`);
}

/** Writes the run's rows and details as JSON in bench/out/ (git-ignored); returns the path. */
export function writeResults(
  name: string,
  details: Record<string, unknown>,
  rows: BenchRow[],
): string {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const payload = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadavg: os.loadavg(),
    ...details,
    rows,
  };
  fs.writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}

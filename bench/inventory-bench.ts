/*
 * bench/inventory-bench.ts — `npm run bench` (scripts/bench.sh): the entry point. Runs the
 * sections in order on the dedicated `bench` gateway, prints ONE table at the end and writes
 * the rows as JSON to bench/out/ (git-ignored).
 *
 *   npm run bench -- [--quick] [--uploads N] [--concurrency C] [--rounds R] [--sample S]
 *                    [--bulk B] [--only inventory,cli,abort,bulk,instances,scaling,cost,browser]
 *
 * Sections (one module each):
 *   inventory  bench/inventory.ts   lib/s3 inventory vs the raw SDK (target ≥ 0.9×)
 *   cli        bench/cli-tools.ts   the same inventory with aws-cli / s3cmd loops (≥ 20×)
 *   abort      bench/abort.ts       lib/s3 abortAndVerify vs raw SDK aborts (≥ 0.45×)
 *   bulk       bench/bulk-bench.ts  a bulk job over 1,000 uploads vs raw SDK / rclone / CLIs
 *   instances  bench/instances-bench.ts  2 instances on PostgreSQL vs 1 on SQLite (bulk jobs)
 *   scaling    bench/scaling.ts     time vs uploads and parts; the concurrency sweep
 *   cost       bench/cost.ts        S3 requests/hour of open tabs and freshness, vs the old schedule
 *   browser    bench/browser-bench.ts  10,000-row table in Chromium; server peak RSS 2k vs 20k
 * A section that fails becomes a MISS row with the error; the others still run.
 *
 * (tsx runs with `--conditions=react-server` so `server-only` resolves to its empty module,
 * as in a Next.js server bundle.)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { runAbortBench } from "./abort";
import { type BrowserBenchOptions, runBrowserBench } from "./browser-bench";
import { runBulkBench } from "./bulk-bench";
import { runCliInventoryBench, setUpCliTools } from "./cli-tools";
import { runCostBench } from "./cost";
import { createContext, deleteBuckets, ensureGateway, stopGateway } from "./gateway";
import { runInstancesBench } from "./instances-bench";
import { runInventoryBench, seedInventoryPool } from "./inventory";
import { parseArgs, type Section } from "./options";
import { type BenchRow, OUT_DIR, printTable, REPO, writeResults } from "./report";
import { runScalingBench } from "./scaling";

/** The bulk job's ledger: a throwaway SQLite file, never the app's database. */
function pointLedgerAtThrowawayFile(): string {
  const file = path.join(OUT_DIR, `bench-ledger-${process.pid}.sqlite`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  // Set before any lib module reads the environment (getEnv caches its first read).
  process.env.RECLAIM_DB_FILE = file;
  return file;
}

function failedRow(section: Section, error: unknown): BenchRow {
  const message = error instanceof Error ? error.message : String(error);
  return {
    section,
    operation: `${section} section failed`,
    n: null,
    seconds: null,
    result: "error",
    ratio: null,
    baseline: null,
    target: null,
    pass: false,
    note: message,
  };
}

async function main(): Promise<void> {
  const dbFile = pointLedgerAtThrowawayFile();
  const options = parseArgs(process.argv.slice(2), getEnv().RECLAIM_S3_CONCURRENCY);
  const wants = (section: Section) => options.only.includes(section);
  const { gateway, startedHere } = ensureGateway();
  const ctx = createContext(gateway, options);
  const tools = setUpCliTools(ctx);
  const rows: BenchRow[] = [];
  const details: Record<string, unknown> = { options };
  const section = async (name: Section, run: () => Promise<BenchRow[]>) => {
    if (!wants(name)) return;
    console.log(`\n${name}:`);
    try {
      rows.push(...(await run()));
    } catch (error) {
      console.error(`  ${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
      rows.push(failedRow(name, error));
    }
  };
  console.log(
    `bench: ${options.uploads} uploads, concurrency ${options.concurrency}, ${options.rounds} rounds, sample ${options.sample}, bulk ${options.bulk}${options.quick ? " (quick)" : ""}; ${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(2)}, node ${process.version}`,
  );

  try {
    // One pool of N uploads serves the inventory, CLI and sweep sections.
    const pool =
      wants("inventory") || wants("cli") || wants("scaling") ? await seedInventoryPool(ctx) : null;
    let reclaimSeconds: number | null = null;
    // The CLI rows compare with Reclaim's inventory of the same run: "cli" runs it too.
    if (pool && (wants("inventory") || wants("cli"))) {
      await section(wants("inventory") ? "inventory" : "cli", async () => {
        const inventory = await runInventoryBench(ctx, pool);
        reclaimSeconds = inventory.libSeconds;
        details.inventory = inventory.details;
        return inventory.rows;
      });
    }
    await section("cli", async () => {
      if (!pool || reclaimSeconds === null) throw new Error("needs the inventory section's result");
      return runCliInventoryBench(ctx, tools, pool, reclaimSeconds);
    });
    await section("abort", () => runAbortBench(ctx));
    await section("bulk", () => runBulkBench(ctx, tools));
    await section("instances", () => runInstancesBench(ctx));
    await section("scaling", async () => {
      if (!pool) throw new Error("needs the inventory pool");
      const scaling = await runScalingBench(ctx, pool);
      details.scaling = scaling.details;
      return scaling.rows;
    });
    if (pool) await deleteBuckets(ctx, pool.buckets);
    await section("cost", async () => {
      const cost = await runCostBench(ctx);
      details.cost = cost.details;
      return cost.rows;
    });
    // ---- browser + memory: bench/browser-bench.ts (its own module and gateway instances; it
    // builds the app and drives Chromium). Quick: one small table timing, no memory pair.
    const quickBrowser: Partial<BrowserBenchOptions> = {
      sections: ["browser"],
      tableUploads: 2_000,
      loads: 1,
    };
    await section("browser", () => runBrowserBench(options.quick ? quickBrowser : {}));

    console.log("");
    printTable(rows);
    details.loadavgAtEnd = os.loadavg();
    const outFile = writeResults("bench", details, rows);
    console.log(
      `\nload average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(", ")}`,
    );
    console.log(`wrote ${path.relative(REPO, outFile)}`);
    if (rows.some((r) => r.pass === false)) process.exitCode = 1;
  } finally {
    await deleteBuckets(ctx, ctx.buckets);
    tools.dispose();
    ctx.raw.destroy();
    if (startedHere) stopGateway();
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${dbFile}${suffix}`, { force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

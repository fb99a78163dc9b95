/*
 * bench/browser-main.ts — the browser and memory benchmarks on their own:
 *
 *   node_modules/.bin/tsx --conditions=react-server bench/browser-main.ts
 *       [--sections browser,memory] [--no-build] [--port P] [--loads L] [--refresh-ms MS]
 *
 * `npm run bench` (bench/inventory-bench.ts) calls runBrowserBench the same way.
 */
import path from "node:path";
import {
  type BrowserBenchOptions,
  type BrowserBenchSection,
  defaultBrowserBenchOptions,
  runBrowserBench,
} from "./browser-bench";
import { printTable, REPO, writeResults } from "./report";

const USAGE =
  "usage: tsx --conditions=react-server bench/browser-main.ts [--sections browser,memory] [--no-build] [--port P] [--loads L] [--refresh-ms MS]";

function parseArgs(argv: string[]): Partial<BrowserBenchOptions> {
  const options: Partial<BrowserBenchOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--no-build") {
      options.build = false;
      continue;
    }
    const value = argv[++i] ?? "";
    if (flag === "--sections") {
      const sections = value.split(",");
      if (!sections.every((s) => s === "browser" || s === "memory")) throw new Error(USAGE);
      options.sections = sections as BrowserBenchSection[];
    } else if (flag === "--port" || flag === "--loads" || flag === "--refresh-ms") {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 1) throw new Error(USAGE);
      if (flag === "--refresh-ms") options.refreshMs = number;
      else options[flag === "--port" ? "port" : "loads"] = number;
    } else throw new Error(USAGE);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const rows = await runBrowserBench(options);
  console.log("");
  printTable(rows);
  const file = writeResults(
    "browser-bench",
    {
      options: { ...defaultBrowserBenchOptions, ...options },
      seconds: (performance.now() - started) / 1000,
    },
    rows,
  );
  console.log(`\nwrote ${path.relative(REPO, file)}`);
  if (rows.some((r) => r.pass === false)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`browser bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

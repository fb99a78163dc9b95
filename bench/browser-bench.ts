/*
 * bench/browser-bench.ts — issue #9 item 3: the dashboard in a real browser against a
 * production build, and the server's memory as the inventory grows.
 *
 * "browser" (gateway instance bb-10k, ~10,000 uploads):
 *   - per page load, in the page's own clock (0 = navigation start): when the list action's
 *     response ended (data arrived), when the first table rows were painted, and when a click
 *     on the Key column header was answered on screen (interactive); medians over `loads`
 *     loads after a warm-up load;
 *   - the summary against what the gateway holds: uploads as the raw SDK lists them, parts
 *     and bytes as seeded (the seed manifest is exact for ListParts);
 *   - scrolling the virtualized table top to bottom, one screenful per frame, while sampling
 *     requestAnimationFrame intervals and the number of rows in the DOM.
 * "memory" (bb-2k and bb-20k): a fresh server per size; the dashboard is opened and left
 *   until its summary shows exactly the gateway's uploads, parts and bytes (the background
 *   parts scan is done); then the peak RSS (VmHWM) of the process listening on the port.
 *
 * Gateways are started when not running (and stopped again), seeded once and reused.
 */
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";
import playwrightConfig from "../playwright.config";
import { signIn } from "../tests/fixtures";
import {
  ensureGateway,
  instanceDir,
  rawClient,
  sameTotals,
  stopGateway,
  type Totals,
} from "./gateway";
import { buildApp, hasBuild, memoryOf, startServer, type RunningServer } from "./next-server";
import { type BenchRow, median, timed } from "./report";
import { countUploads, ensureSeeded } from "./seeded-gateway";

export type BrowserBenchSection = "browser" | "memory";

export interface BrowserBenchOptions {
  sections: BrowserBenchSection[];
  /** Uploads in the table timing (issue #9: 10,000). */
  tableUploads: number;
  /** The two inventory sizes whose server peak RSS is compared, small first. */
  memoryUploads: [number, number];
  /** Gateway instances are named `<prefix>-<thousands>k`, e.g. bb-10k. */
  instancePrefix: string;
  /** Port of the server (one at a time). */
  port: number;
  /** Measured page loads after the warm-up load; medians are reported. */
  loads: number;
  /** Run `next build` first; false reuses distDir as built before. */
  build: boolean;
  distDir: string;
  /** The dashboard's re-list interval, as RECLAIM_REFRESH_MS. */
  refreshMs: number;
}

export const defaultBrowserBenchOptions: BrowserBenchOptions = {
  sections: ["browser", "memory"],
  tableUploads: 10_000,
  memoryUploads: [2_000, 20_000],
  instancePrefix: "bb",
  port: 3400,
  loads: 3,
  build: true,
  distDir: ".next-bench-browser",
  refreshMs: 2_000,
};

const INTERACTIVE_TARGET_S = 2;
const MEMORY_GROWTH_TARGET = 1.5;
/** Virtualized: a screenful plus overscan. A non-virtualized table would hold every row. */
const DOM_ROWS_LIMIT = 100;
const ADMIN = { email: "bench@reclaim.test", password: "bench-password-browser" };
const MiB = 1024 * 1024;

// ---------------------------------------------------------------- in-page probe

interface Probe {
  /** Frame in which the first data row was in the DOM. */
  firstRowsAt: number | null;
  /** The click on a column header: when the input happened, and the frame showing the new sort. */
  clickAt: number | null;
  sortShownAt: number | null;
}

declare global {
  interface Window {
    __bench?: Probe;
  }
}

/** Runs in every page before its scripts; times are the page's clock (0 = navigation start). */
function installProbe(): void {
  const probe: Probe = { firstRowsAt: null, clickAt: null, sortShownAt: null };
  window.__bench = probe;
  const watchRows = (frame: number) => {
    if (document.querySelector('[role="row"][aria-rowindex="2"]')) probe.firstRowsAt = frame;
    else requestAnimationFrame(watchRows);
  };
  requestAnimationFrame(watchRows);
  document.addEventListener(
    "click",
    (event) => {
      const header = (event.target as Element | null)?.closest('[role="columnheader"]');
      if (!header || probe.clickAt !== null) return;
      probe.clickAt = event.timeStamp;
      const before = header.getAttribute("aria-sort");
      const watchSort = (frame: number) => {
        if (header.getAttribute("aria-sort") !== before) probe.sortShownAt = frame;
        else requestAnimationFrame(watchSort);
      };
      requestAnimationFrame(watchSort);
    },
    true,
  );
}

interface SummaryReading extends Totals {
  counting: boolean;
}

/** The summary card's totals as shown: "10,021 uploads", "9,465 parts", bytes exact in a title. */
async function readSummary(page: Page): Promise<SummaryReading> {
  return page.getByRole("region", { name: "Summary" }).evaluate((card) => {
    const text = card.textContent ?? "";
    const count = (pattern: RegExp) => Number((pattern.exec(text)?.[1] ?? "NaN").replace(/,/g, ""));
    const exactBytes = [...card.querySelectorAll("[title]")]
      .map((el) => /^([\d,]+) bytes?$/.exec(el.getAttribute("title") ?? "")?.[1])
      .find((match) => match !== undefined);
    // textContent runs words into the next number ("10,021 uploads9,465 parts"): no \b.
    return {
      uploads: count(/([\d,]+)\s*uploads?(?![a-z])/),
      parts: count(/([\d,]+)\s*parts?(?![a-z])/),
      bytes: Number((exactBytes ?? "NaN").replace(/,/g, "")),
      counting: /still being counted/.test(text),
    };
  });
}

/** Waits until the summary shows exactly `expected` with nothing left to count. */
async function waitForExactTotals(
  page: Page,
  expected: Totals,
  timeoutMs: number,
): Promise<{ exact: boolean; shown: SummaryReading }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await readSummary(page).catch(() => null);
    if (shown && !shown.counting && sameTotals(shown, expected)) return { exact: true, shown };
    if (Date.now() > deadline)
      return {
        exact: false,
        shown: shown ?? { uploads: NaN, parts: NaN, bytes: NaN, counting: true },
      };
    await page.waitForTimeout(500);
  }
}

// ---------------------------------------------------------------- one page load

interface LoadTiming {
  dataArrivedMs: number;
  firstRowsMs: number;
  interactiveMs: number;
  /** Click (input event) → the frame showing the new sort order. */
  inputToFrameMs: number;
  summaryUploads: number;
}

/** Opens the dashboard in a new page, clicks the Key header as soon as rows show, and times it. */
async function timeLoad(context: BrowserContext): Promise<{ page: Page; timing: LoadTiming }> {
  const page = await context.newPage();
  // The first server action the dashboard sends must be the list (its body has no `uploads`).
  const firstAction = page.waitForRequest(
    (r) => r.method() === "POST" && !!r.headers()["next-action"],
  );
  await page.goto("/", { waitUntil: "commit" });
  await page.locator('[role="row"][aria-rowindex="2"]').first().waitFor();
  await page.getByRole("columnheader", { name: "Key" }).getByRole("button").click();
  await page.waitForFunction(() => window.__bench?.sortShownAt != null);
  const listBody = (await firstAction).postData() ?? "";
  if (listBody.includes('"uploads"')) throw new Error(`first action was not the list: ${listBody}`);

  const probe = await page.evaluate(() => {
    // Server actions POST to the page's own URL; the router's fetches carry `_rsc`.
    const list = performance
      .getEntriesByType("resource")
      .map((e) => e as PerformanceResourceTiming)
      .filter((e) => e.initiatorType === "fetch" && !e.name.includes("_rsc="))
      .sort((a, b) => a.startTime - b.startTime)[0];
    return { listEnd: list?.responseEnd ?? null, ...window.__bench };
  });
  const { listEnd, firstRowsAt, clickAt, sortShownAt } = probe;
  if (listEnd == null || firstRowsAt == null || clickAt == null || sortShownAt == null)
    throw new Error(`incomplete page timing: ${JSON.stringify(probe)}`);
  const summary = await readSummary(page);
  return {
    page,
    timing: {
      dataArrivedMs: listEnd,
      firstRowsMs: firstRowsAt,
      interactiveMs: sortShownAt,
      inputToFrameMs: sortShownAt - clickAt,
      summaryUploads: summary.uploads,
    },
  };
}

// ---------------------------------------------------------------- scrolling

interface ScrollResult {
  frames: number[];
  maxDomRows: number;
  rowCount: number;
  lastRowShown: boolean;
  seconds: number;
}

/** Scrolls the table top to bottom, one screenful per frame, sampling frame intervals. */
function scrollThroughTable(): Promise<ScrollResult> {
  const table = document.querySelector<HTMLElement>('[role="table"]');
  if (!table) throw new Error("no table");
  const scroller = table;
  const rowCount = Number(scroller.getAttribute("aria-rowcount")) - 1;
  const bottom = scroller.scrollHeight - scroller.clientHeight;
  const frames: number[] = [];
  let maxDomRows = 0;
  const started = performance.now();
  return new Promise((resolve) => {
    let previous: number | null = null;
    let settleFrames = 3; // after the last step: let the final rows render
    const onFrame = (frame: number) => {
      if (previous !== null) frames.push(frame - previous);
      previous = frame;
      maxDomRows = Math.max(maxDomRows, scroller.querySelectorAll('[role="row"]').length);
      if (scroller.scrollTop < bottom - 1) {
        scroller.scrollTop = Math.min(bottom, scroller.scrollTop + scroller.clientHeight);
      } else if (settleFrames-- <= 0) {
        const lastRow = scroller.querySelector(`[role="row"][aria-rowindex="${rowCount + 1}"]`);
        resolve({
          frames,
          maxDomRows,
          rowCount,
          lastRowShown: lastRow !== null,
          seconds: (performance.now() - started) / 1000,
        });
        return;
      }
      requestAnimationFrame(onFrame);
    };
    requestAnimationFrame(onFrame);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

// ---------------------------------------------------------------- instances and servers

interface Stage {
  browser: Browser;
  server: RunningServer;
  /** What the gateway holds: uploads as the raw SDK lists them, parts and bytes as seeded. */
  totals: Totals;
}

function instanceName(options: BrowserBenchOptions, uploads: number): string {
  return `${options.instancePrefix}-${Math.round(uploads / 1000)}k`;
}

/** A seeded gateway of about `uploads` uploads and a fresh server on it, for `fn`'s duration. */
async function onStage<T>(
  options: BrowserBenchOptions,
  browser: Browser,
  uploads: number,
  fn: (stage: Stage) => Promise<T>,
): Promise<T> {
  const instance = instanceName(options, uploads);
  const { gateway, startedHere } = ensureGateway(instance);
  const raw = rawClient(gateway);
  try {
    const totals = ensureSeeded(instance, uploads);
    const listed = await timed(() => countUploads(raw));
    if (listed.value !== totals.uploads)
      throw new Error(
        `${instance} lists ${listed.value} uploads but was seeded with ${totals.uploads}: reseed it (scripts/seed.ts ${instance} --force)`,
      );
    console.log(
      `  ${instance}: ${totals.uploads} uploads listed by the raw SDK in ${listed.seconds.toFixed(1)} s; seeded with ${totals.parts} parts, ${totals.bytes} bytes`,
    );
    const server = await startServer({
      distDir: options.distDir,
      port: options.port,
      instanceDir: instanceDir(instance),
      admin: ADMIN,
      refreshMs: options.refreshMs,
    });
    try {
      return await fn({ browser, server, totals });
    } finally {
      await server.stop();
    }
  } finally {
    raw.destroy();
    if (startedHere) stopGateway(instance);
  }
}

async function signedInContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 } });
  // tsx compiles with esbuild's keepNames, which wraps named inner functions in __name(…);
  // the functions this file sends into the page need that helper defined there.
  await context.addInitScript({ content: "globalThis.__name = (fn) => fn;" });
  await context.addInitScript(installProbe);
  // A cold server on a busy 2-core host can take tens of seconds for its first listing.
  context.setDefaultTimeout(180_000);
  await signIn(await context.newPage(), ADMIN);
  return context;
}

const seconds = (ms: number) => ms / 1000;

function row(
  fields: Partial<BenchRow> & Pick<BenchRow, "section" | "operation" | "result">,
): BenchRow {
  return {
    n: null,
    seconds: null,
    ratio: null,
    baseline: null,
    target: null,
    pass: null,
    ...fields,
  };
}

// ---------------------------------------------------------------- the browser section

async function tableRows(stage: Stage, loads: number): Promise<BenchRow[]> {
  const { totals } = stage;
  const n = totals.uploads;
  const context = await signedInContext(stage.browser, stage.server.url);
  try {
    // Warm-up: a cold server and parts cache. Once everything is counted, the summary must
    // match the gateway exactly; the measured loads then find the parts cached.
    const warm = await timeLoad(context);
    const counted = await waitForExactTotals(warm.page, totals, 180_000);
    await warm.page.close();

    const timings: LoadTiming[] = [];
    let scroll: ScrollResult | null = null;
    for (let i = 0; i < loads; i++) {
      const { page, timing } = await timeLoad(context);
      timings.push(timing);
      if (i === loads - 1) scroll = await page.evaluate(scrollThroughTable);
      await page.close();
    }
    if (!scroll) throw new Error("no page load was measured");
    console.log(`  page loads (ms): ${JSON.stringify([warm.timing, ...timings])}`);

    const m = (pick: (t: LoadTiming) => number) => median(timings.map(pick));
    const dataArrived = m((t) => t.dataArrivedMs);
    const toRows = m((t) => t.firstRowsMs - t.dataArrivedMs);
    const toInteractive = m((t) => t.interactiveMs - t.dataArrivedMs);
    const inputLatency = m((t) => t.inputToFrameMs);
    const countsOk = [warm.timing, ...timings].every((t) => t.summaryUploads === n);
    const frameMedian = median(scroll.frames);
    const frameP95 = percentile(scroll.frames, 95);
    return [
      row({
        section: "browser",
        operation: "navigation → list data arrived",
        n,
        seconds: seconds(dataArrived),
        result: `${seconds(dataArrived).toFixed(2)} s`,
        note: `median of ${loads} warm loads; cold first load ${seconds(warm.timing.dataArrivedMs).toFixed(2)} s (parts not yet cached)`,
      }),
      row({
        section: "browser",
        operation: "data → first rows painted",
        n,
        seconds: seconds(toRows),
        result: `${seconds(toRows).toFixed(2)} s`,
      }),
      row({
        section: "browser",
        operation: "data → interactive (click answered)",
        n,
        seconds: seconds(toInteractive),
        result: `${seconds(toInteractive).toFixed(2)} s`,
        target: `≤ ${INTERACTIVE_TARGET_S} s`,
        pass: seconds(toInteractive) <= INTERACTIVE_TARGET_S,
        note: "rows visible, then a click on the Key header; interactive = the frame showing the new sort",
      }),
      row({
        section: "browser",
        operation: "input → next frame (sort 10k rows)",
        n,
        seconds: seconds(inputLatency),
        result: `${inputLatency.toFixed(0)} ms`,
      }),
      row({
        section: "browser",
        operation: "summary = gateway (SDK uploads, seeded parts)",
        n,
        result: counted.exact
          ? `${n.toLocaleString("en-US")} uploads, parts, bytes equal`
          : `shown ${JSON.stringify(counted.shown)}`,
        target: "exact",
        pass: countsOk && counted.exact,
        note: countsOk
          ? undefined
          : "a page load showed another upload count than the gateway holds",
      }),
      row({
        section: "browser",
        operation: "scroll frame time, median",
        n: scroll.rowCount,
        seconds: scroll.seconds,
        result: `${frameMedian.toFixed(1)} ms`,
        note: `${scroll.frames.length} frames, one screenful per frame, top to bottom`,
      }),
      row({
        section: "browser",
        operation: "scroll frame time, p95",
        n: scroll.rowCount,
        result: `${frameP95.toFixed(1)} ms`,
      }),
      row({
        section: "browser",
        operation: "DOM rows while scrolling (max)",
        n: scroll.rowCount,
        result: `${scroll.maxDomRows} rows`,
        target: `≤ ${DOM_ROWS_LIMIT}, last row shown`,
        pass: scroll.maxDomRows <= DOM_ROWS_LIMIT && scroll.lastRowShown,
      }),
    ];
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- the memory section

interface MemorySample {
  uploads: number;
  idlePeakRss: number;
  peakRss: number;
  seconds: number;
  exact: boolean;
}

/** Opens the dashboard and waits for exact totals; the server's peak RSS up to then. */
async function inventoryMemory(stage: Stage): Promise<MemorySample> {
  const context = await signedInContext(stage.browser, stage.server.url);
  try {
    const idlePeakRss = memoryOf(stage.server.pid).peakRss;
    const page = await context.newPage();
    const started = performance.now();
    await page.goto("/");
    const { exact, shown } = await waitForExactTotals(page, stage.totals, 600_000);
    if (!exact) console.log(`  summary never matched the gateway: ${JSON.stringify(shown)}`);
    const sample = {
      uploads: stage.totals.uploads,
      idlePeakRss,
      peakRss: memoryOf(stage.server.pid).peakRss,
      seconds: (performance.now() - started) / 1000,
      exact,
    };
    console.log(`  memory: ${JSON.stringify(sample)}`);
    return sample;
  } finally {
    await context.close();
  }
}

function memoryRows(small: MemorySample, large: MemorySample): BenchRow[] {
  const growth = large.peakRss / small.peakRss;
  const describe = (s: MemorySample) =>
    `idle ${(s.idlePeakRss / MiB).toFixed(0)} MiB; ${s.exact ? "exact parts and bytes on screen after" : "parts still being counted (not exact) when given up after"} ${s.seconds.toFixed(1)} s`;
  return [
    row({
      section: "memory",
      operation: "server peak RSS, small inventory",
      n: small.uploads,
      seconds: small.seconds,
      result: `${(small.peakRss / MiB).toFixed(0)} MiB`,
      target: "exact totals",
      pass: small.exact,
      note: describe(small),
    }),
    row({
      section: "memory",
      operation: "server peak RSS, large inventory",
      n: large.uploads,
      seconds: large.seconds,
      result: `${(large.peakRss / MiB).toFixed(0)} MiB = ${growth.toFixed(2)}× small`,
      target: `≤ ${MEMORY_GROWTH_TARGET}× small`,
      pass: large.exact && growth <= MEMORY_GROWTH_TARGET,
      note: describe(large),
    }),
  ];
}

// ---------------------------------------------------------------- entry

/** Runs the chosen sections; rows for bench/report.ts's printTable / writeResults. */
export async function runBrowserBench(
  overrides: Partial<BrowserBenchOptions> = {},
): Promise<BenchRow[]> {
  const options = { ...defaultBrowserBenchOptions, ...overrides };
  if (options.build) buildApp(options.distDir);
  else if (!hasBuild(options.distDir))
    throw new Error(`no standalone build in ${options.distDir}: run with build enabled`);

  // The same Chromium, flags and all, as the end-to-end tests.
  const browser = await chromium.launch(playwrightConfig.use?.launchOptions);
  const rows: BenchRow[] = [];
  try {
    if (options.sections.includes("browser")) {
      console.log(`browser: dashboard with ~${options.tableUploads} uploads`);
      rows.push(
        ...(await onStage(options, browser, options.tableUploads, (stage) =>
          tableRows(stage, options.loads),
        )),
      );
    }
    if (options.sections.includes("memory")) {
      const [smallN, largeN] = options.memoryUploads;
      console.log(`memory: server peak RSS, ~${smallN} vs ~${largeN} uploads`);
      const small = await onStage(options, browser, smallN, inventoryMemory);
      const large = await onStage(options, browser, largeN, inventoryMemory);
      rows.push(...memoryRows(small, large));
    }
  } finally {
    await browser.close();
  }
  return rows;
}

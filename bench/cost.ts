/*
 * bench/cost.ts — section "cost": what an open dashboard costs in S3 requests, and how fresh
 * it stays, under the liveness schedule vs the old clock schedule (RECLAIM_REREAD_SCHEDULE=
 * clock), both measured in the same run on the same uploads.
 *
 * Inventories: uploads idle for days (seeded through a gateway on a clock 3 days back), and
 * 1% live ones that receive a small part every ~5 s from a writer beside them. Two live
 * uploads are the largest, so the default view (largest first) has two live rows in view; the
 * other live ones stay small, so the rows in view do not change from window to window.
 * Each schedule runs in its own process (bench/cost-tab.ts) with emulated tabs polling at
 * the browser's cadence, behind its own loopback proxy that counts every request; both
 * processes run at once on the same uploads and keep running from window to window. The first
 * full count of a cold server (one ListParts per upload) is not part of the rate: measuring
 * starts once it is done, and for the old schedule once its first re-read pass is due (a
 * minute, or uploads/100 s, after the count). Each window's requests are extrapolated to an
 * hour.
 *
 * Freshness: the tab reports each change it shows; a part's lag is from the gateway's answer
 * to the writer until the tab first shows a count that includes it (in view or not); new and
 * vanished uploads are made (and aborted) with the raw SDK during the window.
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { Profile } from "@/lib/profiles";
import { mapWithConcurrency } from "@/lib/s3/concurrency";
import type { UploadRef } from "@/lib/s3/types";
import { rowId } from "@/lib/uploads/types";
import { type FaultProxy, startFaultProxy } from "../tests/support/fault-proxy";
import type { FromTab, TabSpec, ToTab } from "./cost-tab";
import { type BenchContext, INSTANCE, createBuckets, rawClient } from "./gateway";
import { type BenchRow, REPO, median } from "./report";

const GATEWAY_SCRIPT = path.join(REPO, "scripts/gateway.sh");
const TAB_SCRIPT = path.join(REPO, "bench/cost-tab.ts");
const SEED_CONCURRENCY = 16;
/** Rows a 1080p screen shows in the table. */
const ROWS_IN_VIEW = 15;
/** A live upload gets a part about this often. */
const LIVE_PART_EVERY_MS = 5_000;
const LIST_PRICE_PER_1000 = 0.005;

type Schedule = "liveness" | "clock";

interface Inventory {
  label: string;
  buckets: string[];
  idle: UploadRef[];
  live: UploadRef[];
}

interface Measured {
  schedule: Schedule;
  tabs: number;
  uploads: number;
  windowSeconds: number;
  requests: number;
  perHour: number;
  byKind: Record<string, number>;
  /** The same requests by cause, as the tab process counted them (to within a second). */
  byCause: Record<string, number>;
  /** The uploads whose parts were read most in the window: path, ListParts count. */
  mostRead: [string, number][];
  seen: Extract<FromTab, { type: "seen" }>[];
  /** When the tabs started reporting what they show (epoch ms). */
  observedFrom: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function restartGateway(offset?: string): void {
  execFileSync("bash", [GATEWAY_SCRIPT, "restart-rgw", INSTANCE, ...(offset ? [offset] : [])], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/**
 * One part per upload: `big` ones 16 KiB (they sort first), live ones 1 KiB (the writer's
 * 16-byte parts keep them below the idle rows in view for hours, so the same rows stay in view
 * from window to window), idle ones 1–8 KiB.
 */
async function seed(
  raw: S3Client,
  buckets: string[],
  label: string,
  count: number,
  kind: "idle" | { live: true; big: number },
): Promise<UploadRef[]> {
  const started = performance.now();
  const refs = await mapWithConcurrency(
    Array.from({ length: count }, (_, i) => i),
    SEED_CONCURRENCY,
    async (i) => {
      const bucket = buckets[i % buckets.length] ?? "";
      const key = `${label}/${String(i % 97).padStart(2, "0")}/file-${i}.bin`;
      const created = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      const uploadId = created.UploadId ?? "";
      const size = kind === "idle" ? 1_024 + ((i * 7_919) % 7_168) : i < kind.big ? 16_384 : 1_024;
      await raw.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 1, Body: Buffer.alloc(size) }),
      );
      return { bucket, key, uploadId };
    },
  );
  console.log(`  seeded ${count} ${label} uploads in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return refs;
}

/** Idle uploads from 3 days ago (gateway on a fake clock), then 1% live ones now. */
async function seedInventories(ctx: BenchContext, sizes: number[]): Promise<Inventory[]> {
  const plans = await Promise.all(
    sizes.map(async (size, i) => ({ size, buckets: await createBuckets(ctx, `cost${i}`, size >= 10_000 ? 4 : 2) })),
  );
  const idle: UploadRef[][] = [];
  restartGateway("-3d");
  // A client of its own: the SDK corrects its clock to the backdated gateway's and would
  // then sign 3 days off once the gateway is back on the real clock.
  const backdated = rawClient(ctx.gateway);
  try {
    for (const plan of plans) {
      const liveCount = Math.max(2, Math.round(plan.size / 100));
      idle.push(await seed(backdated, plan.buckets, `idle${plan.size}`, plan.size - liveCount, "idle"));
    }
  } finally {
    backdated.destroy();
    restartGateway();
  }
  const inventories: Inventory[] = [];
  for (const [i, plan] of plans.entries()) {
    const liveCount = Math.max(2, Math.round(plan.size / 100));
    const live = await seed(ctx.raw, plan.buckets, `live${plan.size}`, liveCount, { live: true, big: 2 });
    inventories.push({ label: plan.size.toLocaleString("en-US"), buckets: plan.buckets, idle: idle[i] ?? [], live });
  }
  return inventories;
}

/** Keeps uploads live: a part each about every 5 s; remembers when the gateway acknowledged each. */
class Writer {
  private timer: ReturnType<typeof setInterval> | undefined;
  private inFlight = 0;
  readonly written = new Map<string, number[]>(); // row id → ack time of part n at index n
  private readonly next = new Map<string, { at: number; part: number }>();

  constructor(
    private readonly ctx: BenchContext,
    private readonly uploads: UploadRef[],
  ) {}

  start(): void {
    const now = Date.now();
    for (const ref of this.uploads) this.next.set(rowId(ref), { at: now + Math.random() * LIVE_PART_EVERY_MS, part: 2 });
    this.timer = setInterval(() => this.tick(), 100);
  }

  private tick(): void {
    const now = Date.now();
    for (const ref of this.uploads) {
      const id = rowId(ref);
      const due = this.next.get(id);
      if (!due || due.at > now || this.inFlight >= 64) continue;
      const part = due.part;
      this.next.set(id, { at: now + LIVE_PART_EVERY_MS * (0.8 + 0.4 * Math.random()), part: part + 1 });
      this.inFlight++;
      this.ctx.raw
        .send(new UploadPartCommand({ Bucket: ref.bucket, Key: ref.key, UploadId: ref.uploadId, PartNumber: part, Body: Buffer.alloc(16) }))
        .then(() => {
          const acks = this.written.get(id) ?? [];
          acks[part] = Date.now();
          this.written.set(id, acks);
        })
        .catch(() => undefined)
        .finally(() => this.inFlight--);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.inFlight > 0) await sleep(50);
  }
}

interface TabRun {
  schedule: Schedule;
  tabs: TabSpec[];
  proxy: FaultProxy;
  child: ChildProcess;
  seen: Extract<FromTab, { type: "seen" }>[];
  warm: Promise<number>;
  dbFile: string;
  /** The tab process's latest cumulative count by cause. */
  causes: Record<string, number>;
}

async function startTabs(
  ctx: BenchContext,
  inventory: Inventory,
  schedule: Schedule,
  tabs: TabSpec[],
): Promise<TabRun> {
  const proxy = await startFaultProxy(ctx.gateway.endpoint);
  const dbFile = path.join(os.tmpdir(), `reclaim-cost-bench-${process.pid}-${schedule}-${tabs.length}.sqlite`);
  const child = fork(TAB_SCRIPT, [], {
    execArgv: ["--import", "tsx", "--conditions=react-server"],
    // Its own throwaway ledger (the header reads reclaimed totals from it).
    env: { ...process.env, RECLAIM_REREAD_SCHEDULE: schedule, RECLAIM_DB_FILE: dbFile, NODE_NO_WARNINGS: "1" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const seen: TabRun["seen"] = [];
  const run = { causes: {} as Record<string, number> };
  const warm = new Promise<number>((resolve, reject) => {
    child.on("message", (message: FromTab) => {
      if (message.type === "warm") resolve(message.uploads);
      else if (message.type === "seen") seen.push(message);
      else if (message.type === "causes") run.causes = message.counts;
      else if (message.type === "error") reject(new Error(`${schedule} tabs failed: ${message.message}`));
    });
    child.on("exit", (code) => reject(new Error(`${schedule} tabs exited (${code}) before counting every upload`)));
  });
  warm.catch(() => undefined);
  const profile: Profile = {
    ...ctx.profile,
    id: `cost-${schedule}-${tabs.length}`,
    endpoint: proxy.url,
    // The profile names its buckets: no ListBuckets on either side, and other buckets on
    // the bench gateway stay out of the count.
    buckets: inventory.buckets,
    listRequestPricePer1000: LIST_PRICE_PER_1000,
  };
  child.send({ type: "run", profile, tabs, rowsInView: ROWS_IN_VIEW } satisfies ToTab);
  return Object.assign(run, { schedule, tabs, proxy, child, seen, warm, dbFile });
}

async function stopTabs(run: TabRun): Promise<void> {
  if (run.child.exitCode === null) {
    const exited = new Promise((resolve) => run.child.once("exit", resolve));
    run.child.send({ type: "stop" } satisfies ToTab);
    await Promise.race([exited, sleep(5_000)]);
    if (run.child.exitCode === null) run.child.kill();
  }
  await run.proxy.close();
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${run.dbFile}${suffix}`, { force: true });
}

function mostReadOf(run: TabRun, from: number): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of run.proxy.requests.slice(from)) if (r.kind === "ListParts") counts.set(r.path, (counts.get(r.path) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8);
}

function kindsOf(run: TabRun, from: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of run.proxy.requests.slice(from)) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}

/** Changes made with the raw SDK during the window: uploads created and uploads aborted. */
interface Churn {
  created: { id: string; at: number; ref: UploadRef }[];
  aborted: { id: string; at: number }[];
}

/**
 * Tab processes for each schedule, side by side on one inventory, kept running from window to
 * window (a cold start reads every upload once; that is not part of the rate).
 */
class Session {
  private observing = false;

  private constructor(
    private readonly ctx: BenchContext,
    private readonly runs: TabRun[],
    private tabs: TabSpec[],
    readonly uploads: number[],
    readonly warmSeconds: number,
  ) {}

  /** Starts the tabs and waits until each process has counted every upload. */
  static async open(ctx: BenchContext, inventory: Inventory, schedules: Schedule[], tabs: TabSpec[]): Promise<Session> {
    const started = performance.now();
    const runs = await Promise.all(schedules.map((schedule) => startTabs(ctx, inventory, schedule, tabs)));
    try {
      const uploads = await Promise.all(runs.map((run) => run.warm));
      const warmSeconds = (performance.now() - started) / 1000;
      console.log(`    ${schedules.join(" + ")}: every upload counted in ${warmSeconds.toFixed(0)} s`);
      return new Session(ctx, runs, tabs, uploads, warmSeconds);
    } catch (error) {
      await Promise.all(runs.map(stopTabs));
      throw error;
    }
  }

  setTabs(tabs: TabSpec[]): void {
    this.tabs = tabs;
    for (const run of this.runs) run.child.send({ type: "tabs", tabs } satisfies ToTab);
  }

  /** Counts every request of a window; `churn` creates and aborts uploads during it. */
  async window(
    label: string,
    windowSeconds: number,
    churn?: { bucket: string; victims: UploadRef[]; record: Churn },
  ): Promise<Measured[]> {
    console.log(`    ${label}: measuring ${windowSeconds} s`);
    const observedFrom = Date.now();
    if (!this.observing) for (const run of this.runs) run.child.send({ type: "observe" } satisfies ToTab);
    this.observing = true;
    const marks = this.runs.map((run) => ({ requests: run.proxy.requests.length, seen: run.seen.length, causes: run.causes }));
    const windowStart = performance.now();
    if (churn) {
      for (let i = 0; i < churn.victims.length; i++) {
        await sleep(((windowSeconds * 1000) / (churn.victims.length + 1)) * (i === 0 ? 0.5 : 1));
        const victim = churn.victims[i];
        if (!victim) continue;
        await this.ctx.raw.send(new AbortMultipartUploadCommand({ Bucket: victim.bucket, Key: victim.key, UploadId: victim.uploadId }));
        churn.record.aborted.push({ id: rowId(victim), at: Date.now() });
        const key = `churn/new-${Date.now()}-${i}.bin`;
        const created = await this.ctx.raw.send(new CreateMultipartUploadCommand({ Bucket: churn.bucket, Key: key }));
        const ref = { bucket: churn.bucket, key, uploadId: created.UploadId ?? "" };
        churn.record.created.push({ id: rowId(ref), at: Date.now(), ref });
      }
    }
    await sleep(Math.max(0, windowSeconds * 1000 - (performance.now() - windowStart)));
    const seconds = (performance.now() - windowStart) / 1000;
    return this.runs.map((run, i) => {
      const mark = marks[i] ?? { requests: 0, seen: 0, causes: {} };
      const requests = run.proxy.requests.length - mark.requests;
      return {
        schedule: run.schedule,
        tabs: this.tabs.length,
        uploads: this.uploads[i] ?? 0,
        windowSeconds: seconds,
        requests,
        perHour: (requests / seconds) * 3600,
        byKind: kindsOf(run, mark.requests),
        mostRead: mostReadOf(run, mark.requests),
        byCause: Object.fromEntries(Object.entries(run.causes).map(([cause, n]) => [cause, n - (mark.causes[cause] ?? 0)])),
        seen: run.seen.slice(mark.seen),
        observedFrom,
      };
    });
  }

  close(): Promise<void> {
    return Promise.all(this.runs.map(stopTabs)).then(() => undefined);
  }
}

interface Lags {
  inView: number[];
  outOfView: number[];
  created: number[];
  aborted: number[];
}

/** Seconds from each change to the first poll that showed it. */
function lagsOf(measured: Measured, writer: Writer, churn: Churn | undefined): Lags {
  const lags: Lags = { inView: [], outOfView: [], created: [], aborted: [] };
  const observeFrom = measured.observedFrom;
  const shownParts = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  const firstGone = new Map<string, number>();
  for (const seen of measured.seen) {
    for (const id of seen.added) if (!firstSeen.has(id)) firstSeen.set(id, seen.at);
    for (const id of seen.removed) if (!firstGone.has(id)) firstGone.set(id, seen.at);
    for (const [id, parts, inViewSince] of seen.parts) {
      const acks = writer.written.get(id);
      const before = shownParts.get(id) ?? 1;
      shownParts.set(id, Math.max(before, parts));
      if (!acks) continue;
      for (let part = before + 1; part <= parts; part++) {
        const ackedAt = acks[part];
        // Parts written before the tab was watching have no meaningful lag.
        if (ackedAt === undefined || ackedAt < observeFrom) continue;
        // In view: the row was on screen from when the part arrived until it showed. A row
        // that a background re-read moved into view shows parts that arrived out of view.
        const inView = inViewSince !== null && inViewSince <= ackedAt;
        (inView ? lags.inView : lags.outOfView).push(Math.max(0, seen.at - ackedAt) / 1000);
      }
    }
  }
  for (const { id, at } of churn?.created ?? []) {
    const shown = firstSeen.get(id);
    lags.created.push(shown === undefined ? Infinity : (shown - at) / 1000);
  }
  for (const { id, at } of churn?.aborted ?? []) {
    const gone = firstGone.get(id);
    lags.aborted.push(gone === undefined ? Infinity : (gone - at) / 1000);
  }
  return lags;
}

function perHour(n: number): string {
  return `${Math.round(n).toLocaleString("en-US")} req/h`;
}

function requestRow(
  operation: string,
  reclaim: Measured,
  old: Measured,
  target: { ratio: number } | null,
): BenchRow {
  const ratio = old.perHour / Math.max(1, reclaim.perHour);
  const dollars = (reclaim.perHour / 1000) * LIST_PRICE_PER_1000;
  return {
    section: "cost",
    operation,
    n: reclaim.uploads,
    seconds: reclaim.windowSeconds,
    result: `${perHour(reclaim.perHour)} ≈ $${dollars.toFixed(3)}/h (old ${perHour(old.perHour)})`,
    ratio,
    baseline: "old schedule",
    target: target ? `≥ ${target.ratio}×` : null,
    pass: target ? ratio >= target.ratio : null,
  };
}

function lagRow(operation: string, reclaim: number[], old: number[], limitSeconds: number): BenchRow {
  const n = reclaim.length;
  if (reclaim.length === 0) {
    return { section: "cost", operation, n, seconds: null, result: "no sample", ratio: null, baseline: null, target: `≤ ${limitSeconds} s`, pass: false, note: "nothing of this kind changed during the window" };
  }
  const worst = Math.max(...reclaim);
  const oldWorst = old.length > 0 ? Math.max(...old) : null;
  const show = (s: number) => (Number.isFinite(s) ? `${s.toFixed(1)} s` : "never");
  return {
    section: "cost",
    operation,
    n,
    seconds: null,
    result: `max ${show(worst)}, median ${show(median(reclaim))} (old max ${oldWorst === null ? "—" : show(oldWorst)})`,
    ratio: oldWorst !== null && Number.isFinite(oldWorst) && Number.isFinite(worst) && worst > 0 ? oldWorst / worst : null,
    baseline: oldWorst === null ? null : "old schedule",
    target: `≤ ${limitSeconds} s`,
    pass: worst <= limitSeconds,
  };
}

/** How long the old schedule needs after its first full count before its re-reads run steadily. */
function clockSettleSeconds(uploads: number, warmSeconds: number): number {
  return Math.max(0, Math.max(60, uploads / 100) + 10 - warmSeconds);
}

export async function runCostBench(ctx: BenchContext): Promise<{ rows: BenchRow[]; details: Record<string, unknown> }> {
  const quick = ctx.options.quick;
  const [small, large] = quick ? [300, 2_000] : [2_000, 20_000];
  const windowSeconds = quick ? 60 : 150;
  const one: TabSpec[] = [{ user: "a", phaseMs: 0 }];
  // Two users, five tabs, polling out of step.
  const five: TabSpec[] = [0, 1_100, 2_300, 3_100, 4_200].map((phaseMs, i) => ({ user: i < 3 ? "a" : "b", phaseMs }));
  const both: Schedule[] = ["liveness", "clock"];

  const [smallInventory, largeInventory] = await seedInventories(ctx, [small, large]);
  if (!smallInventory || !largeInventory) throw new Error("seeding failed");
  const rows: BenchRow[] = [];
  const details: Record<string, unknown> = { rowsInView: ROWS_IN_VIEW, livePartEveryMs: LIVE_PART_EVERY_MS, windowSeconds };
  const strip = (m: Measured) => ({ ...m, seen: undefined });

  // ---- the small inventory, 1% live, one tab.
  {
    const writer = new Writer(ctx, smallInventory.live);
    writer.start();
    const session = await Session.open(ctx, smallInventory, both, one);
    try {
      const uploads = smallInventory.idle.length + smallInventory.live.length;
      await sleep(clockSettleSeconds(uploads, session.warmSeconds) * 1000);
      const [reclaim, old] = await session.window(`1 tab, ${smallInventory.label}`, windowSeconds);
      if (!reclaim || !old) throw new Error("no measurement");
      rows.push(requestRow(`1 tab, ${smallInventory.label} uploads, 1% live`, reclaim, old, null));
      details[`oneTab${smallInventory.label}`] = { reclaim: strip(reclaim), old: strip(old) };
    } finally {
      await session.close();
      await writer.stop();
    }
  }

  // ---- the large inventory: one tab, five tabs, one tab with uploads made and aborted
  // (freshness of the listing), then none live. The five tabs are compared with the one-tab
  // window before them: the same uploads, the same rows in view.
  const writer = new Writer(ctx, largeInventory.live);
  writer.start();
  const session = await Session.open(ctx, largeInventory, both, one);
  const churn: Churn = { created: [], aborted: [] };
  try {
    const uploads = largeInventory.idle.length + largeInventory.live.length;
    await sleep(clockSettleSeconds(uploads, session.warmSeconds) * 1000);
    const [reclaim, old] = await session.window(`1 tab, ${largeInventory.label}`, windowSeconds);
    if (!reclaim || !old) throw new Error("no measurement");
    rows.push(requestRow(`1 tab, ${largeInventory.label} uploads, 1% live`, reclaim, old, { ratio: 10 }));
    details[`oneTab${largeInventory.label}`] = { reclaim: strip(reclaim), old: strip(old) };
    const lags = lagsOf(reclaim, writer, undefined);
    const oldLags = lagsOf(old, writer, undefined);
    rows.push(lagRow("freshness: new part, live row in view", lags.inView, oldLags.inView, 10));
    rows.push(lagRow("freshness: new part, live row out of view", lags.outOfView, oldLags.outOfView, 60));

    // Five tabs of two users on the same uploads, still 1% live.
    session.setTabs(five);
    await sleep(10_000);
    const [reclaim5, old5] = await session.window(`5 tabs, ${largeInventory.label}`, windowSeconds);
    if (!reclaim5 || !old5) throw new Error("no measurement");
    const multiple = reclaim5.perHour / Math.max(1, reclaim.perHour);
    rows.push({
      ...requestRow(`5 tabs (2 users), ${largeInventory.label} uploads, 1% live`, reclaim5, old5, null),
      result: `${perHour(reclaim5.perHour)} = ${multiple.toFixed(2)}× one tab (old ${perHour(old5.perHour)})`,
      target: "≤ 1.2× one tab",
      pass: multiple <= 1.2,
    });
    details.fiveTabs = { reclaim: strip(reclaim5), old: strip(old5) };

    // One tab while uploads are made and aborted beside it. Victims: idle uploads that are
    // not among the largest (not in view).
    session.setTabs(one);
    const victims = largeInventory.idle.slice(-3);
    const [reclaimChurn, oldChurn] = await session.window(`1 tab, ${largeInventory.label}, uploads made and aborted`, windowSeconds, {
      bucket: largeInventory.buckets[0] ?? "",
      victims,
      record: churn,
    });
    if (!reclaimChurn || !oldChurn) throw new Error("no measurement");
    const churnLags = lagsOf(reclaimChurn, writer, churn);
    const oldChurnLags = lagsOf(oldChurn, writer, churn);
    rows.push(lagRow("freshness: new upload shows", churnLags.created, oldChurnLags.created, 60));
    rows.push(lagRow("freshness: aborted upload leaves", churnLags.aborted, oldChurnLags.aborted, 60));
    details.churn = { reclaim: strip(reclaimChurn), old: strip(oldChurn) };
    details.freshness = {
      reclaim: { ...lags, created: churnLags.created, aborted: churnLags.aborted },
      old: { ...oldLags, created: oldChurnLags.created, aborted: oldChurnLags.aborted },
    };

    // None live: the live uploads (and those made above) are aborted; once the listing has
    // dropped them, one tab again.
    await writer.stop();
    await mapWithConcurrency([...largeInventory.live, ...churn.created.map((c) => c.ref)], 16, (ref) =>
      ctx.raw.send(new AbortMultipartUploadCommand({ Bucket: ref.bucket, Key: ref.key, UploadId: ref.uploadId })),
    );
    await sleep(40_000);
    const idleUploads = largeInventory.idle.length - victims.length;
    const [reclaimIdle, oldIdle] = await session.window(`1 tab, ${idleUploads} idle`, windowSeconds);
    if (!reclaimIdle || !oldIdle) throw new Error("no measurement");
    rows.push(
      requestRow(`1 tab, ${idleUploads.toLocaleString("en-US")} uploads, none live`, { ...reclaimIdle, uploads: idleUploads }, oldIdle, { ratio: 20 }),
    );
    details.noneLive = { reclaim: strip(reclaimIdle), old: strip(oldIdle) };
  } finally {
    await session.close();
    await writer.stop();
  }
  return { rows, details };
}

/*
 * bench/cost-tab.ts — the open dashboard tabs of the `cost` section, in a process of their
 * own (forked by bench/cost.ts) so each schedule runs with its own environment
 * (RECLAIM_REREAD_SCHEDULE=liveness or clock) and its own server memory.
 *
 * A tab does what the uploads page does in the browser, at the browser's cadence
 * (components/uploads/queries.ts, lib/poll-intervals.ts): every RECLAIM_REFRESH_MS the listing poll (changes since its cursor,
 * merged as the browser merges them) and the rows-in-view poll; every 30 s the header's
 * cleanup status (lifecycle rules) and the request bill. It calls the same lib functions the
 * server actions call (the actions themselves only add a session check). Its S3 requests go
 * through the parent's counting proxy: the tab never counts them itself.
 *
 * Protocol (process IPC): parent → {type:"run", …} → child → {type:"warm"} once every part
 * is counted → parent → {type:"observe"} → child → {type:"seen", …} per change it shows →
 * parent → {type:"stop"}.
 */
import { getEnv } from "@/lib/env";
import type { Profile } from "@/lib/profiles";
import { CLEANUP_STATUS_REFRESH_MS, REQUEST_BILL_REFRESH_MS } from "@/lib/poll-intervals";
import { applyView } from "@/lib/uploads/filter-sort";
import { applyPartsUpdates, mergeListing, type LiveListing } from "@/lib/uploads/live-listing";
import { defaultView } from "@/lib/uploads/view";
import { cleanupStatus } from "@/lib/uploads/cleanup-status";
import { requestBill } from "@/lib/uploads/request-bill";
import { listUploadChanges, refreshVisibleParts } from "@/lib/uploads/service";

export interface TabSpec {
  user: string;
  /** Start offset, so tabs do not poll in lockstep. */
  phaseMs: number;
}

export type ToTab =
  | { type: "run"; profile: Profile; tabs: TabSpec[]; rowsInView: number }
  /** Open or close tabs so these are open (the first one stays). */
  | { type: "tabs"; tabs: TabSpec[] }
  | { type: "observe" }
  | { type: "stop" };

export type FromTab =
  | { type: "warm"; uploads: number }
  | {
      type: "seen";
      at: number;
      /** Rows whose parts count changed: id, parts, whether the row was in view. */
      parts: [string, number, boolean][];
      added: string[];
      removed: string[];
    }
  | { type: "error"; message: string };

function send(message: FromTab): void {
  process.send?.(message);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let observing = false;
let stopped = false;

interface OpenTab {
  closed: boolean;
  done: Promise<void>;
}

const open: OpenTab[] = [];
let running: { profile: Profile; rowsInView: number } | undefined;

function openTab(spec: TabSpec, reporter: boolean): void {
  if (!running) return;
  const tab: OpenTab = { closed: false, done: Promise.resolve() };
  tab.done = runTab(running.profile, spec, running.rowsInView, reporter, tab).catch((error: unknown) => {
    send({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  });
  open.push(tab);
}

async function runTab(profile: Profile, spec: TabSpec, rowsInView: number, reporter: boolean, tab: OpenTab): Promise<void> {
  const refreshMs = getEnv().RECLAIM_REFRESH_MS;
  await sleep(spec.phaseMs);
  let listing: LiveListing | undefined;
  let shown = new Map<string, number>();
  let warmSent = false;
  let nextHeader = 0;
  while (!stopped && !tab.closed) {
    const started = Date.now();
    listing = mergeListing(listing, await listUploadChanges(profile, listing?.cursor ?? undefined));
    const inView = applyView(listing.rows, defaultView, Date.parse(listing.listedAt)).slice(0, rowsInView);
    if (inView.length > 0) {
      const refs = inView.map(({ bucket, key, uploadId }) => ({ bucket, key, uploadId }));
      listing = applyPartsUpdates(listing, await refreshVisibleParts(profile, refs), Date.now());
    }
    if (started >= nextHeader) {
      nextHeader = started + Math.min(CLEANUP_STATUS_REFRESH_MS, REQUEST_BILL_REFRESH_MS);
      await cleanupStatus(profile, [...new Set(listing.rows.map((r) => r.bucket))]);
      requestBill(profile);
    }
    if (reporter) {
      if (!warmSent && listing.partsPending === 0 && listing.rows.length > 0) {
        warmSent = true;
        send({ type: "warm", uploads: listing.rows.length });
      }
      const now = Date.now();
      const viewIds = new Set(inView.map((r) => r.id));
      const current = new Map(listing.rows.map((r) => [r.id, r.partsInfo?.parts ?? -1]));
      if (observing) {
        const parts: [string, number, boolean][] = [];
        const added: string[] = [];
        for (const [id, count] of current) {
          const before = shown.get(id);
          if (before === undefined) added.push(id);
          else if (before !== count) parts.push([id, count, viewIds.has(id)]);
        }
        const removed = [...shown.keys()].filter((id) => !current.has(id));
        if (parts.length + added.length + removed.length > 0) send({ type: "seen", at: now, parts, added, removed });
      }
      shown = current;
    }
    await sleep(Math.max(0, refreshMs - (Date.now() - started)));
  }
}

process.on("message", (message: ToTab) => {
  if (message.type === "observe") observing = true;
  else if (message.type === "stop") {
    stopped = true;
    setTimeout(() => process.exit(0), 200).unref();
  } else if (message.type === "run") {
    running = { profile: message.profile, rowsInView: message.rowsInView };
    message.tabs.forEach((spec, i) => openTab(spec, i === 0));
  } else if (message.type === "tabs") {
    while (open.length > Math.max(1, message.tabs.length)) {
      const tab = open.pop();
      if (tab) tab.closed = true;
    }
    message.tabs.slice(open.length).forEach((spec) => openTab(spec, false));
  }
});
process.on("disconnect", () => process.exit(0));

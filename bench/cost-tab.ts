/*
 * bench/cost-tab.ts — the open dashboard tabs of the `cost` section, in a process of their
 * own (forked by bench/cost.ts) so each schedule runs with its own environment
 * (RECLAIM_REREAD_SCHEDULE=liveness or clock) and its own server memory.
 *
 * A tab does what the uploads page does in the browser, at the browser's cadence
 * (components/uploads/queries.ts, lib/poll-intervals.ts): every RECLAIM_REFRESH_MS the listing
 * poll (changes since its cursor, merged as the browser merges them) and, on a timer of its
 * own, the rows-in-view poll (at once when the rows in view change); every 30 s the header's
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
import type { UploadRow } from "@/lib/uploads/types";
import { defaultView } from "@/lib/uploads/view";
import { cleanupStatus } from "@/lib/uploads/cleanup-status";
import { requestBill } from "@/lib/uploads/request-bill";
import { listUploadChanges, refreshVisibleParts } from "@/lib/uploads/service";
import { onS3Request } from "@/lib/s3/request-events";

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
      /** Rows whose parts count changed: id, parts, since when the row has been in view (null: not in view). */
      parts: [string, number, number | null][];
      added: string[];
      removed: string[];
    }
  /** Every S3 request the process sent so far, by cause (as the dashboard's own bill counts them). */
  | { type: "causes"; counts: Record<string, number> }
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
  let inView: UploadRow[] = [];
  let shown = new Map<string, number>();
  /** Since when each row in view has been in view without a break (epoch ms). */
  let inViewSince = new Map<string, number>();
  let warmSent = false;
  let nextHeader = 0;
  const active = () => !stopped && !tab.closed;

  const report = () => {
    if (!reporter || !listing) return;
    if (!warmSent && listing.partsPending === 0 && listing.rows.length > 0) {
      warmSent = true;
      send({ type: "warm", uploads: listing.rows.length });
    }
    const current = new Map(listing.rows.map((r) => [r.id, r.partsInfo?.parts ?? -1]));
    if (observing) {
      const parts: [string, number, number | null][] = [];
      const added: string[] = [];
      for (const [id, count] of current) {
        const before = shown.get(id);
        if (before === undefined) added.push(id);
        else if (before !== count) parts.push([id, count, inViewSince.get(id) ?? null]);
      }
      const removed = [...shown.keys()].filter((id) => !current.has(id));
      if (parts.length + added.length + removed.length > 0) send({ type: "seen", at: Date.now(), parts, added, removed });
    }
    shown = current;
  };

  // The rows in view, as the page's parts query: its own refresh timer, and at once when the
  // rows in view change (a new query key).
  let viewTimer: ReturnType<typeof setTimeout> | undefined;
  let viewPoll = Promise.resolve();
  const pollView = async () => {
    clearTimeout(viewTimer);
    const started = Date.now();
    if (listing && inView.length > 0) {
      const refs = inView.map(({ bucket, key, uploadId }) => ({ bucket, key, uploadId }));
      const updates = await refreshVisibleParts(profile, refs);
      if (listing) listing = applyPartsUpdates(listing, updates, Date.now());
      report();
    }
    if (active()) viewTimer = setTimeout(() => (viewPoll = pollView()), Math.max(0, refreshMs - (Date.now() - started)));
  };

  // The listing, as the page's list query.
  while (active()) {
    const started = Date.now();
    const changes = await listUploadChanges(profile, listing?.cursor ?? undefined);
    // Merged into the listing as it is now: the rows-in-view poll may have updated it meanwhile.
    listing = mergeListing(listing, changes);
    const nextView = applyView(listing.rows, defaultView, Date.parse(listing.listedAt)).slice(0, rowsInView);
    const viewChanged = nextView.map((r) => r.id).join("\n") !== inView.map((r) => r.id).join("\n");
    const now = Date.now();
    inViewSince = new Map(nextView.map((r) => [r.id, inViewSince.get(r.id) ?? now]));
    inView = nextView;
    if (started >= nextHeader) {
      nextHeader = started + Math.min(CLEANUP_STATUS_REFRESH_MS, REQUEST_BILL_REFRESH_MS);
      await cleanupStatus(profile, [...new Set(listing.rows.map((r) => r.bucket))]);
      requestBill(profile);
    }
    report();
    if (viewChanged) {
      await viewPoll;
      viewPoll = pollView();
    }
    await sleep(Math.max(0, refreshMs - (Date.now() - started)));
  }
  clearTimeout(viewTimer);
  await viewPoll;
}

// What the process itself counted, by cause: the parent's proxy counts the requests, this
// says which part of the schedule sent them (the bench's details, to explain a ratio).
const causeCounts: Record<string, number> = {};
onS3Request((event) => {
  causeCounts[event.cause] = (causeCounts[event.cause] ?? 0) + 1;
  if (event.result === "error") causeCounts[`${event.cause} (failed)`] = (causeCounts[`${event.cause} (failed)`] ?? 0) + 1;
});
setInterval(() => send({ type: "causes", counts: { ...causeCounts } }), 1_000).unref();

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

import type { Env } from "@/lib/env";

// When the dashboard re-reads an upload's parts: the one place that decides it.
//
// ListParts costs one request per upload, and on AWS a LIST-class request is billed; the
// listing (ListMultipartUploads) costs one request per 1,000 uploads. So uploads are listed
// often and their parts are re-read by need, following how recently each was written to:
//
//   last part (or start, with no parts)  re-read when in view   otherwise
//   live:  within RECLAIM_LIVE_WINDOW_MS (15 min)     every 4.5 s  every 45 s
//   quiet: within RECLAIM_IDLE_AFTER_MS (24 h)        every 2 min  every 30 min
//   idle:  longer ago                                 every 30 min every 6 h
//
// A live upload may still be written to, and its part count is what the admin watches; an
// upload nobody wrote to for days will rarely change. A live row in view is re-read just
// under the page's 5 s refresh (a read counts from when it began): one tab re-reads it on each
// refresh, and five tabs polling out of step cannot re-read it more often than that. Nothing
// here is relied on for anything destructive: every abort and every bulk dry run reads the
// parts again first. A read that fails is tried again after the live interval, doubling up to
// the upload's own. The uploads themselves (new, vanished) come from the listing, re-read
// every RECLAIM_RELIST_MS (30 s). All of it runs only while a tab polls
// (lib/uploads/service.ts), once per profile however many tabs and users watch it.
//
// "clock" is the schedule before this one, kept for the benchmark's comparison: every upload
// every minute (every uploads/100 s past 6,000), rows in view on every refresh, the listing
// whenever it is older than five listing times (≤ 60 s), lifecycle rules on every request.

export type Liveness = "live" | "quiet" | "idle";
export type ReadWhere = "background" | "in-view";

export interface RereadSettings {
  schedule: "liveness" | "clock";
  /** Last activity newer than this: live. */
  liveWindowMs: number;
  /** Last activity older than this: idle (between the two: quiet). */
  idleAfterMs: number;
  intervals: Record<Liveness, Record<ReadWhere, number>>;
  /** The listing is re-read when older than this (liveness schedule). */
  relistMs: number;
  /** The header's lifecycle rules are re-read when older than this (liveness schedule). */
  lifecycleRereadMs: number;
}

export function rereadSettings(env: Env): RereadSettings {
  return {
    schedule: env.RECLAIM_REREAD_SCHEDULE,
    liveWindowMs: env.RECLAIM_LIVE_WINDOW_MS,
    idleAfterMs: env.RECLAIM_IDLE_AFTER_MS,
    intervals: {
      live: { background: env.RECLAIM_REREAD_LIVE_MS, "in-view": env.RECLAIM_REREAD_LIVE_IN_VIEW_MS },
      quiet: { background: env.RECLAIM_REREAD_QUIET_MS, "in-view": env.RECLAIM_REREAD_QUIET_IN_VIEW_MS },
      idle: { background: env.RECLAIM_REREAD_IDLE_MS, "in-view": env.RECLAIM_REREAD_IDLE_IN_VIEW_MS },
    },
    relistMs: env.RECLAIM_RELIST_MS,
    lifecycleRereadMs: env.RECLAIM_LIFECYCLE_REREAD_MS,
  };
}

/** What the policy needs to know about the last read of an upload's parts (epoch ms). */
export interface LastRead {
  checkedAt: number;
  /** Newest part's LastModified; null when the upload had no parts. */
  lastPartAt: number | null;
  /** The first read since the server started (or since the upload was listed). */
  first: boolean;
}

/** Newest part's time, else when the upload started; null when neither is known. */
function lastActivity(read: Pick<LastRead, "lastPartAt"> | null, initiated: number | null): number | null {
  return read?.lastPartAt ?? initiated;
}

/** Unknown activity counts as live: better re-read too often than miss a busy upload. */
export function livenessOf(activity: number | null, now: number, settings: RereadSettings): Liveness {
  if (activity === null) return "live";
  const age = now - activity;
  if (age < settings.liveWindowMs) return "live";
  if (age < settings.idleAfterMs) return "quiet";
  return "idle";
}

/** Re-read interval; in view it is never longer than in the background. */
export function rereadIntervalMs(liveness: Liveness, where: ReadWhere, settings: RereadSettings): number {
  const { background, "in-view": inView } = settings.intervals[liveness];
  return where === "in-view" ? Math.min(inView, background) : background;
}

/**
 * A fraction in (0, 1] fixed by the upload's id. After a server starts, every upload is read
 * at once; its first re-read comes after this fraction of its interval, so re-reads run at
 * their steady rate from then on instead of repeating that burst every 6 hours.
 */
export function spreadFraction(id: string): number {
  let hash = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return ((hash >>> 0) + 1) / 0x100000000;
}

/** Under the clock schedule, how old parts may get in the background for this many uploads. */
export function clockStaleAfterMs(uploads: number): number {
  return Math.max(60_000, (uploads / 100) * 1000);
}

/** Reads of an upload's parts that failed since its last good read. */
export interface ReadFailures {
  /** When the latest failed (epoch ms). */
  lastAt: number;
  count: number;
}

export interface DueInput {
  id: string;
  read: LastRead | null;
  /** Failed reads since `read` (null or absent: the last read succeeded). */
  failures?: ReadFailures | null;
  /** When the upload started (epoch ms), for uploads without parts. */
  initiated: number | null;
  where: ReadWhere;
  now: number;
  /** Uploads of the profile (the clock schedule scales with it). */
  uploads: number;
}

/** When this upload's parts should be read next (epoch ms; -Infinity: never read, now). */
export function dueAt(input: DueInput, settings: RereadSettings): number {
  const { read } = input;
  if (settings.schedule === "clock") {
    if (!read) return -Infinity;
    return input.where === "in-view" ? -Infinity : read.checkedAt + clockStaleAfterMs(input.uploads);
  }
  if (input.failures) return input.failures.lastAt + retryAfterMs(input, input.failures, settings);
  if (!read) return -Infinity;
  // Liveness as of the read: an upload that was being written to then stays on the live
  // interval until a read shows it stopped, however long nobody polled in between.
  const liveness = livenessOf(lastActivity(read, input.initiated), read.checkedAt, settings);
  const interval = rereadIntervalMs(liveness, input.where, settings);
  // In view, a first read is not spread: the row is on screen now.
  const fraction = read.first && input.where === "background" ? spreadFraction(input.id) : 1;
  return read.checkedAt + interval * fraction;
}

/**
 * After a failed read, the next try: the live interval (where the row is), doubling with each
 * further failure up to the upload's own interval. An endpoint that refuses ListParts (a key
 * without s3:ListMultipartUploadParts, a throttling gateway) is not asked again on every poll
 * for every upload, and a passing fault is over within a minute for most rows.
 */
function retryAfterMs(input: DueInput, failures: ReadFailures, settings: RereadSettings): number {
  const liveness = livenessOf(lastActivity(input.read, input.initiated), failures.lastAt, settings);
  const longest = rereadIntervalMs(liveness, input.where, settings);
  const first = rereadIntervalMs("live", input.where, settings);
  return Math.min(longest, first * 2 ** Math.min(30, failures.count - 1));
}

export function isDue(input: DueInput, settings: RereadSettings): boolean {
  return dueAt(input, settings) <= input.now;
}

/** How long a listing is reused before the next poll re-reads it. */
export function relistAfterMs(lastListingTookMs: number, settings: RereadSettings): number {
  // However fast the listing, a huge inventory is not re-listed back to back: at most a fifth
  // of the time is spent listing, and new or vanished uploads still show within a minute.
  const byListingTime = Math.min(60_000, 5 * lastListingTookMs);
  return settings.schedule === "clock" ? byListingTime : Math.max(settings.relistMs, byListingTime);
}

/** How long the header's lifecycle rules are reused. */
export function lifecycleReuseMs(settings: RereadSettings): number {
  return settings.schedule === "clock" ? 0 : settings.lifecycleRereadMs;
}

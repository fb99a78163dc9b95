import "server-only";
import { errorMessage, logger } from "@/lib/log";
import { listPolicies } from "@/lib/policies/store";
import { reconcileRuns, runningHere, startRun, type PolicyRunOptions } from "@/lib/policies/run";
import { dueSlot, nextSlot } from "@/lib/policies/schedule";

// Runs policies on their schedules, inside the server process (started by lib/startup.ts).
//
// One timer: it wakes at the earliest next slot of any enabled policy (or after `syncMs`, to
// see policies another instance changed), and starts a run for every policy whose newest
// slot at or before now is newer than the last one it handled. A slot is claimed in the
// database as the run starts, under the policy's lease, so each slot runs once — on one
// instance — and a server that was down across several slots runs the policy once when it
// comes back ("missed"), not once per slot.

export interface SchedulerOptions {
  /** Longest sleep between two looks at the policies (default 15 s). */
  syncMs?: number;
  /** Passed to every run (tests: runner concurrency, delivery backoff, lease time). */
  run?: PolicyRunOptions;
}

const DEFAULT_SYNC_MS = 15_000;
/** Wake this long after a slot, so the clock has surely passed it. */
const AFTER_SLOT_MS = 25;

interface Scheduler {
  startedAt: Date;
  options: SchedulerOptions;
  timer: ReturnType<typeof setTimeout> | undefined;
  ticking: Promise<void> | null;
  again: boolean;
  stopped: boolean;
}

const globalForScheduler = globalThis as unknown as { reclaimPolicyScheduler?: Scheduler };

function log(message: string, error: unknown): void {
  logger().error({ event: "policy-scheduler", error: typeof error === "string" ? error : errorMessage(error) }, `policy scheduler: ${message}`);
}

async function tick(s: Scheduler): Promise<void> {
  const syncMs = s.options.syncMs ?? DEFAULT_SYNC_MS;
  let wakeAt = Date.now() + syncMs;
  try {
    await reconcileRuns();
    const now = new Date();
    const busy = new Set(runningHere());
    for (const policy of await listPolicies({ enabledOnly: true })) {
      try {
        const slot = dueSlot(policy, now);
        // A run still going here keeps its next slot pending: it runs once the run ends.
        if (slot && !busy.has(policy.id)) {
          const trigger = slot < s.startedAt ? "missed" : "schedule";
          const started = await startRun(policy.id, trigger, { slot, options: s.options.run });
          if (!started.ok && started.error.code !== "slot-taken" && started.error.code !== "run-in-progress") {
            log(`policy "${policy.name}" did not start`, started.error.message);
          }
        }
        const upcoming = nextSlot(policy.schedule, policy.timeZone, now);
        if (upcoming) wakeAt = Math.min(wakeAt, upcoming.getTime() + AFTER_SLOT_MS);
      } catch (error) {
        log(`policy "${policy.name}"`, error);
      }
    }
  } catch (error) {
    log("tick failed", error);
  }
  if (s.stopped) return;
  s.timer = setTimeout(() => void runTick(s), Math.max(AFTER_SLOT_MS, wakeAt - Date.now()));
  s.timer.unref();
}

function runTick(s: Scheduler): Promise<void> {
  if (s.stopped) return Promise.resolve();
  if (s.ticking) {
    s.again = true;
    return s.ticking;
  }
  clearTimeout(s.timer);
  s.ticking = tick(s).finally(() => {
    s.ticking = null;
    if (s.again && !s.stopped) {
      s.again = false;
      void runTick(s);
    }
  });
  return s.ticking;
}

/** Starts the scheduler (once per process); its first look runs the slots missed while down. */
export function startPolicyScheduler(options: SchedulerOptions = {}): void {
  if (globalForScheduler.reclaimPolicyScheduler) return;
  const s: Scheduler = { startedAt: new Date(), options, timer: undefined, ticking: null, again: false, stopped: false };
  globalForScheduler.reclaimPolicyScheduler = s;
  void runTick(s);
}

/** Stops scheduling (runs going on finish). Tests use it to play a server that is down. */
export async function stopPolicyScheduler(): Promise<void> {
  const s = globalForScheduler.reclaimPolicyScheduler;
  if (!s) return;
  s.stopped = true;
  clearTimeout(s.timer);
  globalForScheduler.reclaimPolicyScheduler = undefined;
  await s.ticking;
}

/** A policy was created, edited or resumed here: look at the schedules again now. */
export function wakeScheduler(): void {
  const s = globalForScheduler.reclaimPolicyScheduler;
  if (s) void runTick(s);
}

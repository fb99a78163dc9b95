import "server-only";
import { getEnv, inventoryIntervalMinutes } from "@/lib/env";
import { errorMessage, logger } from "@/lib/log";
import { loadProfiles, type Profile } from "@/lib/profiles";
import { readAbortRulesForBuckets } from "@/lib/s3/lifecycle";
import { noteLifecycles } from "@/lib/uploads/inventory-record";
import { currentListing } from "@/lib/uploads/service";

// The server's own inventory, for the metrics and readiness when nobody has the dashboard
// open: every RECLAIM_INVENTORY_INTERVAL_MINUTES, each profile is listed the way the dashboard
// lists it (sharing a listing a tab may have just made) and the abort rules of the buckets
// holding uploads are read. Off unless set, or unless metrics are on (then every 15 min).

/** The first run waits this long after start, so start-up work (ledger recovery) goes first. */
const FIRST_RUN_DELAY_MS = 10_000;

/** One profile: its uploads, then the lifecycle rules of the buckets that hold some. */
export async function inventoryProfile(profile: Profile): Promise<void> {
  const listing = await currentListing(profile);
  const buckets = [...new Set(listing.rows.map((row) => row.bucket))];
  if (buckets.length > 0) noteLifecycles(profile.id, await readAbortRulesForBuckets(profile, buckets));
}

async function inventoryAll(): Promise<void> {
  let profiles: Profile[];
  try {
    profiles = [...loadProfiles().values()];
  } catch (error) {
    logger().error({ event: "config", error: errorMessage(error) }, "scheduled inventory skipped: the profiles file is invalid");
    return;
  }
  for (const profile of profiles) {
    try {
      await inventoryProfile(profile);
    } catch (error) {
      // Recorded for /api/ready and the metrics by the listing itself; logged once per run here.
      logger().warn({ event: "inventory", profile: profile.id, error: errorMessage(error) }, "scheduled inventory failed");
    }
  }
}

const globalForSchedule = globalThis as unknown as { reclaimInventoryTimer?: ReturnType<typeof setInterval> };

/** Called once at server start (lib/startup.ts). */
export function startInventorySchedule(): void {
  const minutes = inventoryIntervalMinutes(getEnv());
  if (minutes <= 0 || globalForSchedule.reclaimInventoryTimer) return;
  let running: Promise<void> | null = null;
  // Never two runs at once: a slow endpoint may take longer than the interval.
  const tick = () => {
    running ??= inventoryAll().finally(() => {
      running = null;
    });
  };
  setTimeout(tick, FIRST_RUN_DELAY_MS).unref();
  globalForSchedule.reclaimInventoryTimer = setInterval(tick, minutes * 60_000);
  globalForSchedule.reclaimInventoryTimer.unref();
  logger().info({ event: "inventory", everyMinutes: minutes }, `scheduled inventory every ${minutes} min`);
}

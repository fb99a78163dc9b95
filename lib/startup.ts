import "server-only";
import { ensureAuthReady } from "@/lib/auth/auth";
import { knowsSocketPeers } from "@/lib/auth/client-address";
import { checkConfig, formatConfigReport, hasErrors } from "@/lib/config-check";
import { DatabaseUnavailableError } from "@/lib/db";
import { ConfigError, getEnv } from "@/lib/env";
import { startJobTakeover } from "@/lib/jobs/runner";
import { logger } from "@/lib/log";
import { startMetrics } from "@/lib/metrics/registry";
import { startLedgerRecovery } from "@/lib/uploads/recovery";
import { loadProfiles } from "@/lib/profiles";
import { startPolicyScheduler } from "@/lib/policies/scheduler";
import { loadWebhooks } from "@/lib/policies/webhooks";
import { startRequestLedger } from "@/lib/s3/request-ledger";
import { startInventorySchedule } from "@/lib/uploads/inventory-schedule";

/** sysexits' EX_CONFIG: a service manager should not restart into the same configuration. */
const EXIT_CONFIG = 78;
/** sysexits' EX_UNAVAILABLE: the database is not reachable yet; a restart may find it up. */
const EXIT_UNAVAILABLE = 69;

/**
 * Runs once at server start: validates env, profiles and the database (exits with a
 * sentence if any is wrong), then settles what a previous process left half done.
 */
export async function checkStartup(): Promise<void> {
  // Every problem with the settings and profiles at once (the same report as npm run check-config).
  const report = checkConfig();
  if (report.problems.length > 0) console.error(`\n${formatConfigReport(report)}\n`);
  if (hasErrors(report)) process.exit(EXIT_CONFIG);
  try {
    getEnv();
    const profiles = loadProfiles();
    await ensureAuthReady();
    loadWebhooks();
    logger().info({ event: "config", profiles: [...profiles.keys()] }, `${profiles.size} endpoint profile(s): ${[...profiles.keys()].join(", ")}`);
    if (getEnv().NODE_ENV === "production" && !knowsSocketPeers()) {
      logger().warn(
        { event: "config" },
        "not started by scripts/serve.sh, so client addresses are unknown and every client shares one sign-in limit; start it with `npm start`",
      );
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      logger().fatal({ event: "config", error: error.message }, error.message);
      process.exit(error instanceof DatabaseUnavailableError ? EXIT_UNAVAILABLE : EXIT_CONFIG);
    }
    throw error;
  }
  // The request bill counts from the first request (the ledger's recovery below sends some).
  startRequestLedger();
  startMetrics();
  // Bulk jobs left by a process that is gone are taken over and finished here; the ledger's
  // other interrupted aborts are re-verified.
  const resumed = await startJobTakeover();
  if (resumed > 0) logger().warn({ event: "bulk-job", resumed }, `resuming ${resumed} bulk job(s) left unfinished by a stopped instance`);
  startLedgerRecovery();
  startInventorySchedule();
  // After the jobs: a missed policy run may start a bulk job at once.
  if (getEnv().RECLAIM_POLICY_SCHEDULER === "on") startPolicyScheduler();
}

import "server-only";
import { ensureAuthReady } from "@/lib/auth/auth";
import { ConfigError, getEnv } from "@/lib/env";
import { recoverInterruptedBulkJobs } from "@/lib/jobs/runner";
import { startLedgerRecovery } from "@/lib/uploads/recovery";
import { loadProfiles } from "@/lib/profiles";
import { startPolicyScheduler } from "@/lib/policies/scheduler";
import { loadWebhooks } from "@/lib/policies/webhooks";

/**
 * Runs once at server start: validates env, profiles and the database (exits with a
 * sentence if any is wrong), then settles what a previous process left half done.
 */
export async function checkStartup(): Promise<void> {
  try {
    getEnv();
    const profiles = loadProfiles();
    await ensureAuthReady();
    loadWebhooks();
    console.log(`Reclaim: ${profiles.size} endpoint profile(s): ${[...profiles.keys()].join(", ")}`);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Jobs first: their unstarted items must be marked before the ledger is re-verified.
  const interrupted = recoverInterruptedBulkJobs();
  if (interrupted > 0) console.log(`Reclaim: marked ${interrupted} bulk job(s) interrupted by the last shutdown.`);
  startLedgerRecovery();
  // After the jobs: a missed policy run may start a bulk job at once.
  if (getEnv().RECLAIM_POLICY_SCHEDULER === "on") startPolicyScheduler();
}

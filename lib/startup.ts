import "server-only";
import { ensureAuthReady } from "@/lib/auth/auth";
import { ConfigError, getEnv } from "@/lib/env";
import { recoverInterruptedBulkJobs } from "@/lib/jobs/runner";
import { startLedgerRecovery } from "@/lib/ledger/recovery";
import { loadProfiles } from "@/lib/profiles";

/**
 * Runs once at server start: validates env, profiles and the database (exits with a
 * sentence if any is wrong), then settles what a previous process left half done.
 */
export async function checkStartup(): Promise<void> {
  try {
    getEnv();
    const profiles = loadProfiles();
    await ensureAuthReady();
    console.log(`Reclaim: ${profiles.size} endpoint profile(s): ${[...profiles.keys()].join(", ")}`);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Jobs first: their unstarted items must be marked before the ledger is re-verified.
  const interrupted = await recoverInterruptedBulkJobs();
  if (interrupted > 0) console.log(`Reclaim: marked ${interrupted} bulk job(s) interrupted by the last shutdown.`);
  startLedgerRecovery();
}

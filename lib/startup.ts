import "server-only";
import { ensureAuthReady } from "@/lib/auth/auth";
import { knowsSocketPeers } from "@/lib/auth/client-address";
import { ConfigError, getEnv } from "@/lib/env";
import { startJobTakeover } from "@/lib/jobs/runner";
import { startLedgerRecovery } from "@/lib/uploads/recovery";
import { loadProfiles } from "@/lib/profiles";
import { startRequestLedger } from "@/lib/s3/request-ledger";

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
    if (getEnv().NODE_ENV === "production" && !knowsSocketPeers()) {
      console.warn(
        "Reclaim: not started by scripts/serve.sh, so client addresses are unknown and every client shares one sign-in limit. Start it with `npm start`.",
      );
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // The request bill counts from the first request (the ledger's recovery below sends some).
  startRequestLedger();
  // Bulk jobs left by a process that is gone are taken over and finished here; the ledger's
  // other interrupted aborts are re-verified.
  const resumed = await startJobTakeover();
  if (resumed > 0) console.log(`Reclaim: resuming ${resumed} bulk job(s) left unfinished by a stopped instance.`);
  startLedgerRecovery();
}

import "server-only";
import { ensureAuthReady } from "@/lib/auth/auth";
import { ConfigError, getEnv } from "@/lib/env";
import { loadProfiles } from "@/lib/profiles";

/** Validates env, profiles and the database at server start; exits with a sentence if wrong. */
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
}

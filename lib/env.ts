import "server-only";
import path from "node:path";
import { z } from "zod";

// The one place that reads process.env. Validated once; a bad value stops the server at
// start (instrumentation.ts) with a sentence that names the variable.

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** JSON file with endpoint profiles; default: the local demo gateway's profiles. */
  RECLAIM_PROFILES_FILE: z.string().min(1).optional(),
  /** SQLite file for the ledger and sessions. */
  RECLAIM_DB_FILE: z.string().min(1).default(".data/reclaim.sqlite"),
  /** How many S3 requests one inventory runs at once. */
  RECLAIM_S3_CONCURRENCY: positiveInt(16),
  /** Per-request timeout for S3 calls, milliseconds. */
  RECLAIM_S3_TIMEOUT_MS: positiveInt(15_000),
  /** How often the dashboard re-lists uploads while visible, milliseconds. */
  RECLAIM_REFRESH_MS: positiveInt(5_000),
  // How often parts are re-read and uploads re-listed (lib/uploads/reread-policy.ts explains
  // the schedule; README "What watching costs"). "clock" is the old fixed cycle, for comparison.
  RECLAIM_REREAD_SCHEDULE: z.enum(["liveness", "clock"]).default("liveness"),
  RECLAIM_LIVE_WINDOW_MS: positiveInt(15 * 60_000),
  RECLAIM_IDLE_AFTER_MS: positiveInt(24 * 3_600_000),
  RECLAIM_REREAD_LIVE_MS: positiveInt(45_000),
  RECLAIM_REREAD_LIVE_IN_VIEW_MS: positiveInt(4_000),
  RECLAIM_REREAD_QUIET_MS: positiveInt(30 * 60_000),
  RECLAIM_REREAD_QUIET_IN_VIEW_MS: positiveInt(2 * 60_000),
  RECLAIM_REREAD_IDLE_MS: positiveInt(6 * 3_600_000),
  RECLAIM_REREAD_IDLE_IN_VIEW_MS: positiveInt(30 * 60_000),
  RECLAIM_RELIST_MS: positiveInt(30_000),
  RECLAIM_LIFECYCLE_REREAD_MS: positiveInt(5 * 60_000),
  BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  BETTER_AUTH_URL: z.url().optional(),
  /** First admin, created on first start when no user exists. */
  RECLAIM_ADMIN_EMAIL: z.email().optional(),
  RECLAIM_ADMIN_PASSWORD: z.string().min(8).optional(),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `  ${issue.path.join(".")}: ${issue.message}`)
      .join("\n");
    throw new ConfigError(`Reclaim cannot start: invalid environment.\n${problems}`);
  }
  cached = parsed.data;
  return cached;
}

/** Profiles file: the configured one, else the local demo gateway's (written by scripts/gateway.sh). */
export function profilesFilePath(): string {
  return path.resolve(getEnv().RECLAIM_PROFILES_FILE ?? ".data/demo/profiles.json");
}

export function dbFilePath(): string {
  return path.resolve(getEnv().RECLAIM_DB_FILE);
}

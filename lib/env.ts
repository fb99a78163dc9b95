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
  BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  BETTER_AUTH_URL: z.url().optional(),
  /** First admin, created on first start when no user exists. */
  RECLAIM_ADMIN_EMAIL: z.email().optional(),
  RECLAIM_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Bearer token for /api/metrics; unset, the endpoint does not exist (404). */
  RECLAIM_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Minutes between the server's own listings of every profile (0 = only while someone looks). */
  RECLAIM_INVENTORY_INTERVAL_MINUTES: z.coerce.number().int().nonnegative().optional(),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  RECLAIM_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
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

/**
 * How often the server lists every profile on its own, in minutes; 0 = never (only the
 * dashboard's listings). Defaults to 15 when metrics are on, so they stay fresh without a tab open.
 */
export function inventoryIntervalMinutes(env: Env = getEnv()): number {
  return env.RECLAIM_INVENTORY_INTERVAL_MINUTES ?? (env.RECLAIM_METRICS_TOKEN ? 15 : 0);
}

/** The log level, also while the rest of the environment is invalid (the logger reports that). */
export function logLevel(): Env["RECLAIM_LOG_LEVEL"] {
  const parsed = envSchema.shape.RECLAIM_LOG_LEVEL.safeParse(process.env.RECLAIM_LOG_LEVEL?.toLowerCase());
  return parsed.success ? parsed.data : "info";
}

export function dbFilePath(): string {
  return path.resolve(getEnv().RECLAIM_DB_FILE);
}

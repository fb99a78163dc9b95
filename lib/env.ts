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
  /** SQLite file for the ledger and sessions (when RECLAIM_DATABASE_URL is not set). */
  RECLAIM_DB_FILE: z.string().min(1).default(".data/reclaim.sqlite"),
  /** PostgreSQL shared by several instances, instead of the SQLite file. */
  RECLAIM_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres://user:password@host:port/database URL")
    .optional(),
  /** How many S3 requests one inventory runs at once. */
  RECLAIM_S3_CONCURRENCY: positiveInt(16),
  /** Per-request timeout for S3 calls, milliseconds. */
  RECLAIM_S3_TIMEOUT_MS: positiveInt(15_000),
  /** How often the dashboard re-lists uploads while visible, milliseconds. */
  RECLAIM_REFRESH_MS: positiveInt(5_000),
  /** How long a bulk job's lease lasts without renewal before another instance takes the job over, milliseconds. */
  RECLAIM_JOB_LEASE_MS: z.coerce.number().int().min(1_000).default(30_000),
  BETTER_AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  BETTER_AUTH_URL: z.url().optional(),
  /** First admin, created on first start when no user exists. */
  RECLAIM_ADMIN_EMAIL: z.email().optional(),
  RECLAIM_ADMIN_PASSWORD: z.string().min(8).optional(),
});

export type Env = z.infer<typeof envSchema>;

// Instances that share a database must sign sessions with one secret (a secret generated
// beside a SQLite file would differ per machine).
const checkedEnvSchema = envSchema.refine((env) => !env.RECLAIM_DATABASE_URL || env.BETTER_AUTH_SECRET, {
  path: ["BETTER_AUTH_SECRET"],
  message: "required with RECLAIM_DATABASE_URL: every instance must sign sessions with the same secret",
});

export class ConfigError extends Error {
  override name = "ConfigError";
}

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = checkedEnvSchema.safeParse(process.env);
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

import "server-only";
import net from "node:net";
import path from "node:path";
import { z } from "zod";
import { KnownError } from "@/lib/errors";

// The one place that reads process.env. Validated once; a bad value stops the server at
// start (instrumentation.ts) with a sentence that names the variable.

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** "10.0.0.5" or "10.0.0.0/24" (IPv4 or IPv6). */
function isAddressOrRange(entry: string): boolean {
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = net.isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

const addressList = z
  .string()
  .default("")
  .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean))
  .refine((entries) => entries.every(isAddressOrRange), "must be IP addresses or CIDR ranges, separated by commas");

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
  /** The dashboard's public URL; required in production (cookies, origin checks, HSTS). */
  BETTER_AUTH_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Reverse proxies whose X-Forwarded-For is believed; otherwise the socket's peer is the client. */
  RECLAIM_TRUSTED_PROXIES: addressList,
  /** First admin, created on first start when no user exists. */
  RECLAIM_ADMIN_EMAIL: z.email().optional(),
  RECLAIM_ADMIN_PASSWORD: z.string().min(8).optional(),
}).refine((env) => env.NODE_ENV !== "production" || env.BETTER_AUTH_URL !== undefined, {
  path: ["BETTER_AUTH_URL"],
  message: "must be set in production: the dashboard's public URL, e.g. https://reclaim.example.com",
});

export type Env = z.infer<typeof envSchema>;

// Instances that share a database must sign sessions with one secret (a secret generated
// beside a SQLite file would differ per machine).
const checkedEnvSchema = envSchema.refine((env) => !env.RECLAIM_DATABASE_URL || env.BETTER_AUTH_SECRET, {
  path: ["BETTER_AUTH_SECRET"],
  message: "required with RECLAIM_DATABASE_URL: every instance must sign sessions with the same secret",
});


/** Which part of the configuration is wrong: the code a browser is shown. */
export type ConfigReason = "environment" | "profiles" | "credentials" | "database";

/**
 * A configuration problem. Its message names files and variables for the operator: it goes to
 * the server log only. Browsers get `publicConfigProblem` — a sentence and a code.
 */
export class ConfigError extends KnownError {
  override name = "ConfigError";
  constructor(
    message: string,
    readonly reason: ConfigReason,
  ) {
    super("config", message);
  }
}

const configSentences: Record<ConfigReason, string> = {
  environment: "The server's settings are not valid",
  profiles: "The server cannot load its endpoint profiles",
  credentials: "The server cannot read the keys of an endpoint profile",
  database: "The server cannot open its database",
};

/** What a browser may know about a configuration problem: no paths, no variable names. */
export function publicConfigProblem(error: ConfigError): { code: "config"; message: string } {
  return {
    code: "config",
    message: `${configSentences[error.reason]} (config-${error.reason}). An operator must fix the configuration; the server log has the details.`,
  };
}

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = checkedEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `  ${issue.path.join(".")}: ${issue.message}`)
      .join("\n");
    throw new ConfigError(`Reclaim cannot start: invalid environment.\n${problems}`, "environment");
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

import "server-only";
import net from "node:net";
import path from "node:path";
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { KnownError } from "@/lib/errors";
import { isLoopbackHost } from "@/lib/loopback";

// The one place that reads process.env. Validated once; a bad value stops the server at
// start (instrumentation.ts) with a sentence that names the variable.

const WHOLE_ABOVE_ZERO = "must be a whole number above 0";
const positiveInt = (fallback: number) =>
  z.coerce.number(WHOLE_ABOVE_ZERO).int(WHOLE_ABOVE_ZERO).positive(WHOLE_ABOVE_ZERO).default(fallback);

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

/** A comma-separated list of names (groups, emails); blanks dropped. */
const nameList = z
  .string()
  .default("")
  .transform((value) => value.split(",").map((entry) => entry.trim()).filter(Boolean));

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
  RECLAIM_REREAD_LIVE_IN_VIEW_MS: positiveInt(4_500),
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
  /** JSON file with the webhooks policy runs notify (URLs may hold secrets: server-side only). */
  RECLAIM_WEBHOOKS_FILE: z.string().min(1).optional(),
  /** Whether this instance runs policies on their schedules ("off": only "Run now" runs them here). */
  RECLAIM_POLICY_SCHEDULER: z.enum(["on", "off"]).default("on"),
  /** Bearer token for /api/metrics; unset, the endpoint does not exist (404). */
  RECLAIM_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** Minutes between the server's own listings of every profile (0 = only while someone looks). */
  RECLAIM_INVENTORY_INTERVAL_MINUTES: z.coerce.number().int().nonnegative().optional(),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  RECLAIM_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Single sign-on (OpenID Connect): the issuer; its discovery document is read at start. */
  RECLAIM_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  RECLAIM_OIDC_CLIENT_ID: z.string().min(1).optional(),
  RECLAIM_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Scopes asked for besides openid. */
  RECLAIM_OIDC_SCOPES: z.string().default("email profile"),
  /** The button says "Sign in with <this>". */
  RECLAIM_OIDC_NAME: z.string().min(1).max(40).default("single sign-on"),
  /** Where the groups are in the ID token's claims: a dotted path, e.g. realm_access.roles. */
  RECLAIM_OIDC_GROUPS_CLAIM: z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, "must be a claim name or a dotted path").default("groups"),
  RECLAIM_OIDC_ADMIN_GROUPS: nameList,
  RECLAIM_OIDC_VIEWER_GROUPS: nameList,
  /** "off": only break-glass accounts may sign in with a password. */
  RECLAIM_PASSWORD_SIGNIN: z.enum(["on", "off"]).default("on"),
  /** Local accounts that may always sign in with a password (emails). */
  RECLAIM_BREAK_GLASS_EMAILS: nameList.transform((emails) => emails.map((email) => email.toLowerCase())),
}).refine((env) => env.NODE_ENV !== "production" || env.BETTER_AUTH_URL !== undefined, {
  path: ["BETTER_AUTH_URL"],
  message: "must be set in production: the dashboard's public URL, e.g. https://reclaim.example.com",
  // Reported together with every other problem, not only once the rest is valid.
  when: () => true,
}).superRefine((env, ctx) => {
  const oidc = [env.RECLAIM_OIDC_ISSUER, env.RECLAIM_OIDC_CLIENT_ID, env.RECLAIM_OIDC_CLIENT_SECRET];
  if (oidc.some((value) => value !== undefined)) {
    for (const [name, value] of [
      ["RECLAIM_OIDC_ISSUER", env.RECLAIM_OIDC_ISSUER],
      ["RECLAIM_OIDC_CLIENT_ID", env.RECLAIM_OIDC_CLIENT_ID],
      ["RECLAIM_OIDC_CLIENT_SECRET", env.RECLAIM_OIDC_CLIENT_SECRET],
    ] as const) {
      if (value === undefined) ctx.addIssue({ code: "custom", path: [name], message: "must be set with the other RECLAIM_OIDC_ settings" });
    }
    if (env.RECLAIM_OIDC_ISSUER) {
      const issuer = new URL(env.RECLAIM_OIDC_ISSUER);
      if (issuer.protocol === "http:" && !isLoopbackHost(issuer.hostname)) {
        ctx.addIssue({
          code: "custom",
          path: ["RECLAIM_OIDC_ISSUER"],
          message: `must be https:// (got ${issuer.origin}): the client secret and the users' tokens would cross the network unencrypted`,
        });
      }
    }
    if (env.RECLAIM_OIDC_ADMIN_GROUPS.length === 0 && env.RECLAIM_OIDC_VIEWER_GROUPS.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["RECLAIM_OIDC_ADMIN_GROUPS"],
        message: "name at least one group (admin or viewer): a user in no listed group is refused",
      });
    }
  } else if (env.RECLAIM_PASSWORD_SIGNIN === "off") {
    ctx.addIssue({ code: "custom", path: ["RECLAIM_PASSWORD_SIGNIN"], message: "can be off only when single sign-on is configured (RECLAIM_OIDC_ISSUER)" });
  }
});

export type Env = z.infer<typeof envSchema>;

// The production server (the standalone build's server.js) makes its own folder the working
// directory, and a new build replaces that folder: a relative file there would be lost.
const EXAMPLE_PATHS = {
  RECLAIM_DB_FILE: "/var/lib/reclaim/reclaim.sqlite",
  RECLAIM_PROFILES_FILE: "/etc/reclaim/profiles.json",
  RECLAIM_WEBHOOKS_FILE: "/etc/reclaim/webhooks.json",
} as const;
// The SQLite file only matters without PostgreSQL; the webhooks file only when one is named.
const FILE_SETTINGS = ["RECLAIM_DB_FILE", "RECLAIM_PROFILES_FILE", "RECLAIM_WEBHOOKS_FILE"] as const;
const deployableEnvSchema = envSchema.superRefine(
  (env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    for (const name of FILE_SETTINGS) {
      if (name === "RECLAIM_DB_FILE" && env.RECLAIM_DATABASE_URL) continue;
      if (name === "RECLAIM_WEBHOOKS_FILE" && env.RECLAIM_WEBHOOKS_FILE === undefined) continue;
      const value: unknown = env[name];
      if (typeof value === "string" && path.isAbsolute(value)) continue;
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `must be an absolute path in production (${typeof value === "string" ? `got ${value}` : "not set"}): the server runs in its build folder, which the next build replaces — e.g. ${EXAMPLE_PATHS[name]}`,
      });
    }
  },
  // Reported together with every other problem, not only once the rest is valid.
  { when: () => true },
)
  // Instances that share a database must sign sessions with one secret (a secret generated
  // beside a SQLite file would differ per machine).
  .refine((env) => !env.RECLAIM_DATABASE_URL || env.BETTER_AUTH_SECRET, {
    path: ["BETTER_AUTH_SECRET"],
    message: "required with RECLAIM_DATABASE_URL: every instance must sign sessions with the same secret",
    when: () => true,
  });

/** Read by the build, the scripts and the tests, not by the server: known names, not typos. */
const TOOLING_SETTINGS =
  /^RECLAIM_(DIST_DIR|E2E_PORT|MON_PORT|NEW_PASSWORD|GATEWAY_FILE|GW_\w+|PG_\w+|TEST_\w+)$/;
/** Names in these namespaces that are not settings are likely typos. */
const OUR_NAMESPACES = /^(RECLAIM|BETTER_AUTH)_/;

/** Which part of the configuration is wrong: the code a browser is shown. */
export type ConfigReason = "environment" | "profiles" | "credentials" | "database" | "webhooks";

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
  webhooks: "The server cannot load its webhooks",
};

/** What a browser may know about a configuration problem: no paths, no variable names. */
export function publicConfigProblem(error: ConfigError): { code: "config"; message: string } {
  return {
    code: "config",
    message: `${configSentences[error.reason]} (config-${error.reason}). An operator must fix the configuration; the server log has the details.`,
  };
}

/** Environment variables by name, as in process.env. */
export type Settings = Readonly<Record<string, string | undefined>>;

/** One thing wrong with the configuration: which setting, and a sentence that says what to do. */
export interface ConfigProblem {
  severity: "error" | "warning";
  /** Which part of the configuration it is in. */
  reason: ConfigReason;
  /** An environment variable, or a place in the profiles file such as `profiles[1].endpoint`. */
  setting: string;
  message: string;
}

function envIssueProblem(issue: z.core.$ZodIssue): ConfigProblem {
  const setting = String(issue.path[0] ?? "environment");
  // zod's messages never quote the value, so secrets stay out of the report. A rule of our
  // own (code "custom") says what to do itself.
  const todo = issue.code === "custom" ? "" : ` Fix ${setting}, or unset it.`;
  return { severity: "error", reason: "environment", setting, message: `${issue.message}.${todo}` };
}

/** Every problem with these environment variables: invalid values and likely misspelt names. */
export function inspectEnv(source: Settings): ConfigProblem[] {
  const parsed = deployableEnvSchema.safeParse(source);
  const problems = parsed.success ? [] : parsed.error.issues.map(envIssueProblem);
  const known = Object.keys(envSchema.shape);
  for (const name of Object.keys(source)) {
    if (!OUR_NAMESPACES.test(name) || known.includes(name) || TOOLING_SETTINGS.test(name)) continue;
    problems.push({
      severity: "warning",
      reason: "environment",
      setting: name,
      message: unknownSettingMessage(name, known),
    });
  }
  return problems;
}

/** For a name Reclaim does not read: the known one it is a few letters away from, if any. */
export function unknownSettingMessage(name: string, known: string[]): string {
  const likely = known.length > 0 ? closest(name, known) : "";
  return likely &&
    distance(name.toLowerCase(), likely.toLowerCase()) <= Math.max(2, Math.floor(likely.length / 5))
    ? `is not a Reclaim setting and is ignored — did you mean ${likely}?`
    : "is not a Reclaim setting and is ignored — remove it, or see the README for the settings there are.";
}

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = deployableEnvSchema.safeParse(process.env);
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
export function profilesFilePath(
  configured: string | undefined = getEnv().RECLAIM_PROFILES_FILE,
): string {
  // Resolved at run time, from configuration: nothing for the build to trace.
  return path.resolve(/*turbopackIgnore: true*/ configured ?? ".data/demo/profiles.json");
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

/** Single sign-on settings, or null when it is not configured. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  name: string;
  groupsClaim: string;
  adminGroups: string[];
  viewerGroups: string[];
}

export function oidcSettings(env: Env = getEnv()): OidcSettings | null {
  const { RECLAIM_OIDC_ISSUER: issuer, RECLAIM_OIDC_CLIENT_ID: clientId, RECLAIM_OIDC_CLIENT_SECRET: clientSecret } = env;
  if (!issuer || !clientId || !clientSecret) return null;
  return {
    issuer: issuer.replace(/\/+$/, ""),
    clientId,
    clientSecret,
    scopes: env.RECLAIM_OIDC_SCOPES.split(/[\s,]+/).filter(Boolean),
    name: env.RECLAIM_OIDC_NAME,
    groupsClaim: env.RECLAIM_OIDC_GROUPS_CLAIM,
    adminGroups: env.RECLAIM_OIDC_ADMIN_GROUPS,
    viewerGroups: env.RECLAIM_OIDC_VIEWER_GROUPS,
  };
}

export function dbFilePath(): string {
  return path.resolve(/*turbopackIgnore: true*/ getEnv().RECLAIM_DB_FILE);
}

/** Webhooks file, when configured. */
export function webhooksFilePath(): string | null {
  const file = getEnv().RECLAIM_WEBHOOKS_FILE;
  return file ? path.resolve(/*turbopackIgnore: true*/ file) : null;
}

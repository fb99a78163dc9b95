import "server-only";
import pino, { type DestinationStream, type Logger } from "pino";
import { logLevel } from "@/lib/env";

// Structured logs: one JSON line per event on stdout, for whatever collects the server's
// output (journald, a Kubernetes log shipper). `npm run demo` pipes them through pino-pretty.
//
// Every event line carries `event` (what happened: abort, bulk-job, policy-run, sign-in,
// lifecycle, user-admin, config, inventory, ledger-recovery, server-error; see
// docs/operations.md) and, where they apply, `user`, `profile`, `bucket`, `key` and `uploadId`.
// Never log a raw SDK error or request: they can carry signed headers. The redact list below
// is the safety net, not the plan.

/** Keys whose values are replaced by "[redacted]" wherever they appear (top level or one level down). */
const REDACTED_KEYS = [
  "accessKeyId",
  "secretAccessKey",
  "sessionToken",
  "credentials",
  "password",
  "token",
  "secret",
  "authorization",
  "cookie",
  "set-cookie",
  "headers",
  "signature",
  "x-amz-signature",
  "x-amz-security-token",
  "$response",
] as const;

const redactPaths = REDACTED_KEYS.flatMap((key) => {
  const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const nested = safe.startsWith("[") ? `*${safe}` : `*.${safe}`;
  return [safe, nested];
});

/** A logger with Reclaim's fields and redaction, writing to `destination`. */
export function createLogger(destination: DestinationStream = process.stdout): Logger {
  return pino(
    {
      level: logLevel(),
      base: { app: "reclaim" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths, censor: "[redacted]" },
    },
    destination,
  );
}

// One logger per process, on globalThis: Next.js may load this module in several bundles.
const globalForLog = globalThis as unknown as { reclaimLogger?: Logger };

export function logger(): Logger {
  globalForLog.reclaimLogger ??= createLogger();
  return globalForLog.reclaimLogger;
}

/** A plain message from any thrown value, for a log field (never the error object itself). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

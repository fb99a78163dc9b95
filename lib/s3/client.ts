import "server-only";
import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { getEnv } from "@/lib/env";
import type { Profile } from "@/lib/profiles";
import { s3ErrorCode } from "@/lib/s3/errors";
import { currentS3Cause, emitS3Request } from "@/lib/s3/request-events";

// One S3Client per profile: the client owns a keep-alive socket pool, so building one per
// request would pay a TCP handshake every time. Rebuilt when the profile's connection
// settings change (the profiles file is re-read when it changes on disk).

/** Abort requests sent before giving up; throttling (503 SlowDown) and resets are retried. */
const DEFAULT_MAX_ATTEMPTS = 4;

export interface S3ClientOptions {
  /** Per-request timeout, ms (default RECLAIM_S3_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Requests one caller runs at once; the socket pool is sized above it. */
  concurrency?: number;
  /** Attempts per request including the first (default 4). */
  maxAttempts?: number;
}

/** A TCP connect slower than this means the endpoint is down, whatever the request timeout. */
const MAX_CONNECT_TIMEOUT_MS = 5_000;
/** Several inventories and aborts may share one profile's pool at once. */
const MIN_SOCKETS = 64;

export function createS3Client(profile: Profile, options: S3ClientOptions = {}): S3Client {
  const env = getEnv();
  const timeoutMs = options.timeoutMs ?? env.RECLAIM_S3_TIMEOUT_MS;
  const concurrency = options.concurrency ?? env.RECLAIM_S3_CONCURRENCY;
  const maxSockets = Math.max(MIN_SOCKETS, concurrency * 2);
  const agentOptions = { keepAlive: true, maxSockets, keepAliveMsecs: 1_000 };
  const client = new S3Client({
    endpoint: profile.endpoint,
    region: profile.region,
    forcePathStyle: profile.forcePathStyle,
    credentials: {
      accessKeyId: profile.credentials.accessKeyId,
      secretAccessKey: profile.credentials.secretAccessKey,
    },
    retryMode: "standard",
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    // Without these, streamed bodies fail with 411 MissingContentLength on RGW (and other
    // S3-compatible servers reject the new default CRC32 trailers).
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: new NodeHttpHandler({
      connectionTimeout: Math.min(timeoutMs, MAX_CONNECT_TIMEOUT_MS),
      requestTimeout: timeoutMs,
      // Without this the SDK only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
    }),
  });
  countRequests(client, profile.id);
  return client;
}

/** What a failed attempt is called in the request events: the S3 code, else Node's or the SDK's name. */
function attemptErrorCode(error: unknown): string {
  const s3Code = s3ErrorCode(error);
  if (s3Code) return s3Code;
  if (typeof error === "object" && error !== null) {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === "string") return code;
    if (typeof name === "string") return name;
  }
  return "UnknownError";
}

/**
 * One request event per attempt (lib/s3/request-events.ts), from inside the SDK's retry loop:
 * finalizeRequest runs once per attempt, and at low priority this middleware sits inside
 * the retry middleware, so a retried request is counted (and billed) once per try. Every
 * command sent through the client passes here; call sites only set the cause.
 */
function countRequests(client: S3Client, profileId: string): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? "Unknown").replace(/Command$/, "");
      const cause = currentS3Cause();
      const started = performance.now();
      const emit = (result: "ok" | "error", errorCode?: string) =>
        emitS3Request({
          profileId,
          operation,
          cause,
          result,
          ...(errorCode ? { errorCode } : {}),
          durationSeconds: (performance.now() - started) / 1000,
          at: Date.now(),
        });
      try {
        const output = await next(args);
        emit("ok");
        return output;
      } catch (error) {
        emit("error", attemptErrorCode(error));
        throw error;
      }
    },
    { step: "finalizeRequest", priority: "low", name: "reclaimRequestEvents" },
  );
}

/** Everything that changes how a client connects; a change rebuilds the cached client. */
function connectionFingerprint(profile: Profile): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        profile.endpoint,
        profile.region,
        profile.forcePathStyle,
        profile.credentials.accessKeyId,
        profile.credentials.secretAccessKey,
      ]),
    )
    .digest("hex");
}

const clients = new Map<string, { fingerprint: string; client: S3Client }>();

/** The shared client for this profile. */
export function getS3Client(profile: Profile): S3Client {
  const fingerprint = connectionFingerprint(profile);
  const cached = clients.get(profile.id);
  if (cached && cached.fingerprint === fingerprint) return cached.client;
  if (cached) retireClient(cached.client);
  const client = createS3Client(profile);
  clients.set(profile.id, { fingerprint, client });
  return client;
}

/** Close the old pool once requests that may still use it have had time to finish. */
function retireClient(client: S3Client): void {
  const grace = getEnv().RECLAIM_S3_TIMEOUT_MS * DEFAULT_MAX_ATTEMPTS;
  setTimeout(() => client.destroy(), grace).unref();
}

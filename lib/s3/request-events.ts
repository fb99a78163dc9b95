import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { errorMessage, logger } from "@/lib/log";

// Every S3 request Reclaim sends, as one event. The SDK middleware installed on each
// profile's client (lib/s3/client.ts) emits them; whoever needs the numbers subscribes
// (the dashboard's own request bill, the Prometheus metrics). Each attempt that reaches the
// wire is one event: a retried request is billed twice, so it is counted twice.

/** Why a request was sent; set around the call site with `withS3Cause`, read by the middleware. */
export type S3RequestCause =
  | "listing"
  | "background"
  | "in-view"
  | "verify"
  | "abort"
  | "bulk"
  | "lifecycle"
  | "policy"
  | "other";

export interface S3RequestEvent {
  profileId: string;
  /** The S3 operation name, e.g. "ListParts", "AbortMultipartUpload". */
  operation: string;
  cause: S3RequestCause;
  result: "ok" | "error";
  /** The S3 error code or name when `result` is "error" (e.g. "NoSuchUpload", "TimeoutError"). */
  errorCode?: string;
  durationSeconds: number;
  /** Epoch milliseconds when the response (or failure) arrived. */
  at: number;
}

type Listener = (event: S3RequestEvent) => void;

// On globalThis: Next.js may load this module more than once (instrumentation, route
// bundles); every copy must share one set of listeners.
const globalForEvents = globalThis as unknown as { reclaimS3RequestListeners?: Set<Listener> };
const listeners = (globalForEvents.reclaimS3RequestListeners ??= new Set<Listener>());

/** Subscribes to every S3 request; returns the unsubscribe function. */
export function onS3Request(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function emitS3Request(event: S3RequestEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (error) {
      logger().error({ event: "server-error", error: errorMessage(error) }, "an S3 request listener failed");
    }
  }
}

// ------------------------------------------------------------------ cause

// The cause travels with the async context of the call, so a request sent deep inside
// lib/s3 (a pager, a verify step) is attributed to what started it, without threading a
// parameter through every function. Shared through globalThis like the listeners.
const globalForCause = globalThis as unknown as { reclaimS3Cause?: AsyncLocalStorage<S3RequestCause> };
const causeStorage = (globalForCause.reclaimS3Cause ??= new AsyncLocalStorage<S3RequestCause>());

/**
 * Runs `fn` with every S3 request it sends attributed to `cause`. The outermost cause wins
 * (a bulk job's dry run lists uploads: that listing is "bulk"), unless `replace` is set —
 * for work that is detached from its caller, such as a background re-read started by a poll.
 */
export function withS3Cause<T>(cause: S3RequestCause, fn: () => T, options: { replace?: boolean } = {}): T {
  if (!options.replace && causeStorage.getStore() !== undefined) return fn();
  return causeStorage.run(cause, fn);
}

/** The cause set around the current call ("other" when none was). */
export function currentS3Cause(): S3RequestCause {
  return causeStorage.getStore() ?? "other";
}

import "server-only";
import { AbortMultipartUploadCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Profile } from "@/lib/profiles";
import { getS3Client } from "@/lib/s3/client";
import { type ErrorContext, ReclaimS3Error, isAccessDeniedError, s3ErrorCode, toReclaimError } from "@/lib/s3/errors";
import {
  type S3CallOptions,
  type UploadPartsResult,
  checkBucketName,
  isUploadListed,
  summarizeUploadParts,
} from "@/lib/s3/inventory";
import type { AbortOutcome, AbortResult, ReclaimError, UploadRef } from "@/lib/s3/types";

// Abort + verify, one state machine per upload (docs/architecture.md, "The abort/verify state machine"):
//   aborting → verifying → reclaimed | already-gone | verify-failed | denied | failed
// "Gone" is proven, never assumed: ListParts answers NoSuchUpload (AWS) or NoSuchKey (RGW),
// or lists no parts and ListMultipartUploads no longer shows the upload. Parts still listed
// (an UploadPart that landed after the abort) → abort again with backoff, then verify-failed.

/** Abort requests at most; with the delays below the whole run stays under ~1 s of waiting. */
const DEFAULT_ABORT_ATTEMPTS = 4;
/** Wait before abort attempt 2, 3, 4: lets an in-flight UploadPart land or fail first. */
const DEFAULT_ABORT_BACKOFF_MS: readonly number[] = [100, 200, 400];

type AbortState = "aborting" | "verifying";

export interface PartsSnapshot {
  parts: number;
  bytes: number;
}

export interface AbortOptions extends S3CallOptions {
  /** Parts/bytes read just before (e.g. by the ledger recording intent); skips our ListParts. */
  snapshot?: PartsSnapshot;
  onStateChange?: (state: AbortState) => void;
  maxAttempts?: number;
  backoffMs?: readonly number[];
}

export interface GoneCheck {
  gone: boolean;
  partsRemaining: number;
  bytesRemaining: number;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** ListParts, then — only when no parts are listed — ListMultipartUploads. */
async function checkGone(
  profile: Profile,
  ref: UploadRef,
  options: S3CallOptions,
): Promise<GoneCheck | { error: ReclaimError }> {
  const listing: UploadPartsResult = await summarizeUploadParts(profile, ref, options);
  if (listing.status === "gone") return { gone: true, partsRemaining: 0, bytesRemaining: 0 };
  if (listing.status === "error") return { error: listing.error };
  if (listing.parts.parts > 0) {
    return { gone: false, partsRemaining: listing.parts.parts, bytesRemaining: listing.parts.bytes };
  }
  // An empty part list is not proof (a fresh upload has none): the upload must be unlisted.
  try {
    const listed = await isUploadListed(profile, ref, options);
    return { gone: !listed, partsRemaining: 0, bytesRemaining: 0 };
  } catch (error) {
    return { error: toReclaimError(error, { operation: "list-uploads", bucket: ref.bucket, key: ref.key, endpoint: profile.endpoint }) };
  }
}

/**
 * Whether the upload is gone now: for re-verifying later (ledger rows left "unknown").
 * Throws ReclaimS3Error when the endpoint cannot tell (denied, unreachable…).
 */
export async function verifyGone(profile: Profile, ref: UploadRef, options: S3CallOptions = {}): Promise<GoneCheck> {
  const check = await checkGone(profile, ref, options);
  if ("error" in check) throw new ReclaimS3Error(check.error);
  return check;
}

type AbortRequestResult =
  | "sent"
  /** NoSuchUpload; `retried`: the SDK had sent this abort more than once in this call. */
  | { noSuchUpload: true; retried: boolean }
  | { denied: ReclaimError }
  | { error: ReclaimError };

/** How many times the SDK sent the request before this error (its retry middleware records it). */
function sdkAttempts(error: unknown): number {
  const metadata = (error as { $metadata?: { attempts?: unknown } } | null)?.$metadata;
  return typeof metadata?.attempts === "number" ? metadata.attempts : 1;
}

async function sendAbort(client: S3Client, profile: Profile, ref: UploadRef, signal: AbortSignal | undefined): Promise<AbortRequestResult> {
  const context: ErrorContext = { operation: "abort", bucket: ref.bucket, key: ref.key, endpoint: profile.endpoint };
  try {
    await client.send(
      new AbortMultipartUploadCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        UploadId: ref.uploadId,
        ...(profile.expectedBucketOwner ? { ExpectedBucketOwner: profile.expectedBucketOwner } : {}),
      }),
      { abortSignal: signal },
    );
    return "sent";
  } catch (error) {
    if (s3ErrorCode(error) === "NoSuchUpload") return { noSuchUpload: true, retried: sdkAttempts(error) > 1 };
    if (isAccessDeniedError(error)) return { denied: toReclaimError(error, context) };
    return { error: toReclaimError(error, context) };
  }
}

export async function abortAndVerify(profile: Profile, ref: UploadRef, options: AbortOptions = {}): Promise<AbortResult> {
  const started = Date.now();
  const client = options.client ?? getS3Client(profile);
  const calls: S3CallOptions = { client, signal: options.signal };
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_ABORT_ATTEMPTS);
  const backoffMs = options.backoffMs ?? DEFAULT_ABORT_BACKOFF_MS;
  let attempts = 0;
  let partsBefore = 0;
  let bytesBefore = 0;

  function finish(outcome: AbortOutcome, extra: { partsRemaining?: number; error?: ReclaimError } = {}): AbortResult {
    const finished = Date.now();
    return {
      bucket: ref.bucket,
      key: ref.key,
      uploadId: ref.uploadId,
      outcome,
      attempts,
      partsBefore,
      bytesBefore,
      partsRemaining: extra.partsRemaining ?? 0,
      ...(extra.error ? { error: extra.error } : {}),
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - started,
    };
  }

  const badName = checkBucketName(ref.bucket);
  if (badName) return finish("failed", { error: badName });

  // Snapshot: what the abort will reclaim (and the first sign the upload is already gone).
  if (options.snapshot) {
    partsBefore = options.snapshot.parts;
    bytesBefore = options.snapshot.bytes;
  } else {
    const snapshot = await summarizeUploadParts(profile, ref, calls);
    if (snapshot.status === "gone") return finish("already-gone");
    if (snapshot.status === "error") {
      return finish(snapshot.error.code === "access-denied" ? "denied" : "failed", { error: snapshot.error });
    }
    partsBefore = snapshot.parts.parts;
    bytesBefore = snapshot.parts.bytes;
  }

  let partsRemaining = 0;
  while (attempts < maxAttempts) {
    if (attempts > 0) await sleep(backoffMs[Math.min(attempts - 1, backoffMs.length - 1)] ?? 0, options.signal);
    options.onStateChange?.("aborting");
    attempts++;
    const sent = await sendAbort(client, profile, ref, options.signal);
    // NoSuchUpload on the first abort, sent once: someone else got there first. On a re-abort,
    // or on the SDK's retry of an abort whose answer was lost, it means an earlier abort of
    // ours took: verification below decides.
    if (typeof sent === "object" && "noSuchUpload" in sent) {
      if (attempts === 1 && !sent.retried) return finish("already-gone");
    } else if (typeof sent === "object" && "denied" in sent) {
      return finish("denied", { error: sent.denied });
    } else if (typeof sent === "object") {
      return finish("failed", { error: sent.error });
    }

    options.onStateChange?.("verifying");
    const check = await checkGone(profile, ref, calls);
    if ("error" in check) return finish("failed", { error: check.error });
    if (check.gone) return finish("reclaimed");
    partsRemaining = check.partsRemaining;
  }
  const stillThere =
    partsRemaining > 0
      ? `still lists ${partsRemaining} part${partsRemaining === 1 ? "" : "s"}`
      : "is still listed as in progress";
  return finish("verify-failed", {
    partsRemaining,
    error: {
      code: "server-error",
      message: `The upload of \`${ref.key}\` in \`${ref.bucket}\` ${stillThere} after ${attempts} aborts — a client may still be writing to it; verify again shortly or abort again.`,
      bucket: ref.bucket,
      key: ref.key,
    },
  });
}

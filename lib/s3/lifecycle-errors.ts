import "server-only";
import { toReclaimError } from "@/lib/s3/errors";
import type { ReclaimError } from "@/lib/s3/types";

// The sentences for failed lifecycle calls (read, write, delete), and which failures mean
// "this endpoint has no lifecycle support" or "it refused the rules we sent".

type LifecycleOperation = "read" | "write" | "delete";

const DOING: Record<LifecycleOperation, string> = {
  read: "reading the lifecycle rules of",
  write: "writing the lifecycle rules of",
  delete: "deleting the lifecycle configuration of",
};

const PERMISSION: Record<LifecycleOperation, string> = {
  read: "s3:GetLifecycleConfiguration",
  write: "s3:PutLifecycleConfiguration",
  delete: "s3:PutLifecycleConfiguration",
};

/** 400s an endpoint sends when it refuses the configuration itself. */
const REJECTION_CODES = new Set([
  "InvalidArgument",
  "InvalidRequest",
  "MalformedXML",
  "InvalidTag",
  "InvalidStorageClass",
]);

export function isUnsupported(error: ReclaimError): boolean {
  return (
    error.code === "not-implemented" ||
    error.s3Code === "MethodNotAllowed" ||
    error.httpStatus === 405 ||
    error.httpStatus === 501
  );
}

/** True when the endpoint refused the lifecycle configuration we sent (a 400). */
export function isRejection(error: ReclaimError): boolean {
  return (
    (error.s3Code !== undefined && REJECTION_CODES.has(error.s3Code)) ||
    (error.code === "unknown" && error.httpStatus === 400)
  );
}

/**
 * A ReclaimError for a lifecycle call. Classification (code, S3 code, status) comes from
 * toReclaimError; the sentence is ours because errors.ts has no lifecycle operations yet.
 */
export function lifecycleError(
  error: unknown,
  operation: LifecycleOperation,
  bucket: string,
  endpoint?: string,
): ReclaimError {
  const base = toReclaimError(error, { operation: "list-uploads", bucket, endpoint });
  const s3 = base.s3Code ?? (base.httpStatus ? `HTTP ${base.httpStatus}` : "no code");
  const doing = `${DOING[operation]} \`${bucket}\``;
  let message: string;
  if (isUnsupported(base)) {
    message = `This endpoint does not support bucket lifecycle rules (${s3}) — abort incomplete uploads from the Uploads view instead.`;
  } else if (base.code === "access-denied") {
    message = `Access denied (${s3}) ${doing} — the profile's key lacks ${PERMISSION[operation]}.`;
  } else if (isRejection(base)) {
    message = `The endpoint rejected the lifecycle rules for \`${bucket}\` (${s3}) — it may not accept this rule, or an existing rule of the bucket is invalid for it; nothing was changed.`;
  } else if (base.code === "no-such-bucket") {
    message = `Bucket \`${bucket}\` does not exist (${s3}) — refresh the list.`;
  } else if (base.code === "invalid-credentials") {
    message = `The endpoint rejected the profile's key (${s3}) ${doing} — check the access key, the secret and the server clock.`;
  } else if (base.code === "timeout" || base.code === "unreachable") {
    message = `No answer from the endpoint (${s3 === "no code" ? base.code : s3}) ${doing} — check that it is up, then try again.`;
  } else if (base.code === "throttled") {
    message = `The endpoint is throttling requests (${s3}) ${doing} — try again in a minute.`;
  } else {
    message = `The endpoint failed (${s3}) ${doing} — try again; if it persists, check the endpoint's logs.`;
  }
  const code = isUnsupported(base) ? "not-implemented" : isRejection(base) ? "rejected" : base.code;
  return { ...base, code, message };
}

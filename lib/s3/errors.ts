import "server-only";
import { KnownError } from "@/lib/errors";
import type { ReclaimError, S3ErrorCode } from "@/lib/s3/types";

// The one place that turns SDK and network failures into ReclaimError: a typed code plus a
// short sentence naming the operation, the bucket/key and what to do. RGW sends empty error
// messages (the SDK's `message` is "UnknownError"), so everything here reads `name`, `Code`,
// `$metadata.httpStatusCode`, `$fault` and Node's `code` — never `message`, never a stack.

/** What we were doing when the error happened; drives the wording and the permission hint. */
type S3Operation =
  | "list-buckets"
  | "list-uploads"
  | "list-parts"
  | "abort"
  | "verify"
  | "head-object";

export interface ErrorContext {
  operation: S3Operation;
  bucket?: string;
  key?: string;
  uploadId?: string;
  /** The profile's endpoint, named in connection errors. */
  endpoint?: string;
}

/** An Error that carries a ReclaimError; thrown by lib/s3 functions that return one answer. */
export class ReclaimS3Error extends KnownError {
  override name = "ReclaimS3Error";
  constructor(readonly detail: ReclaimError) {
    super(detail.code, detail.message);
  }
}

/** The fields of an SDK (or Node network) error that the mapping reads. */
interface ErrorFields {
  name?: string;
  code?: string;
  s3Code?: string;
  httpStatus?: number;
  fault?: string;
  attempts?: number;
}

const GENERIC_NAMES = new Set(["Error", "UnknownError", "S3ServiceException", "Unknown", ""]);

const UNREACHABLE_NODE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
]);
const CONNECTION_LOST_NODE_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);

const CREDENTIAL_CODES = new Set([
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "RequestTimeTooSkewed",
  "AuthorizationHeaderMalformed",
  "CredentialsProviderError",
]);
const THROTTLING_CODES = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequests",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
  "BandwidthLimitExceeded",
]);
const TIMEOUT_CODES = new Set(["RequestTimeout", "RequestTimeoutException", "TimeoutError"]);

function readFields(error: unknown): ErrorFields {
  if (typeof error !== "object" || error === null) return {};
  const record = error as Record<string, unknown>;
  const metadata = record.$metadata;
  const meta = typeof metadata === "object" && metadata !== null ? (metadata as Record<string, unknown>) : {};
  const name = typeof record.name === "string" ? record.name : undefined;
  const code = typeof record.code === "string" ? record.code : undefined;
  const bodyCode = typeof record.Code === "string" ? record.Code : undefined;
  // S3 error names are the XML <Code>; a generic name means the body had no code.
  const s3Code = bodyCode ?? (name && !GENERIC_NAMES.has(name) && name !== "TimeoutError" && name !== "AbortError" ? name : undefined);
  return {
    name,
    code,
    s3Code: s3Code && !GENERIC_NAMES.has(s3Code) ? s3Code : undefined,
    httpStatus: typeof meta.httpStatusCode === "number" ? meta.httpStatusCode : undefined,
    fault: typeof record.$fault === "string" ? record.$fault : undefined,
    attempts: typeof meta.attempts === "number" ? meta.attempts : undefined,
  };
}

/** Operations on one upload, where RGW's NoSuchKey means "this upload is gone". */
const UPLOAD_OPERATIONS = new Set<S3Operation>(["list-parts", "abort", "verify"]);

function classify(fields: ErrorFields, operation?: S3Operation): S3ErrorCode {
  const { name, code, s3Code, httpStatus, fault } = fields;
  // Node network errors first: the SDK renames ECONNRESET to name "TimeoutError".
  if (code && UNREACHABLE_NODE_CODES.has(code)) return "unreachable";
  if (code && CONNECTION_LOST_NODE_CODES.has(code)) return "unreachable";
  if (name === "AbortError") return "timeout";
  if (code === "ETIMEDOUT" || name === "TimeoutError" || (s3Code && TIMEOUT_CODES.has(s3Code))) return "timeout";
  if (s3Code) {
    if (s3Code === "AccessDenied" || s3Code === "AllAccessDisabled" || s3Code === "AccountProblem") return "access-denied";
    if (CREDENTIAL_CODES.has(s3Code)) return "invalid-credentials";
    if (s3Code === "NoSuchBucket") return "no-such-bucket";
    if (s3Code === "InvalidBucketName") return "invalid-bucket-name";
    if (s3Code === "NoSuchUpload") return "no-such-upload";
    if (s3Code === "NoSuchKey") return operation === undefined || UPLOAD_OPERATIONS.has(operation) ? "no-such-upload" : "unknown";
    if (THROTTLING_CODES.has(s3Code)) return "throttled";
    if (s3Code === "NotImplemented") return "not-implemented";
  }
  if (httpStatus === 429) return "throttled";
  if (httpStatus === 403) return "access-denied";
  if (httpStatus === 501) return "not-implemented";
  if (httpStatus !== undefined && httpStatus >= 500) return "server-error";
  if (fault === "server") return "server-error";
  return "unknown";
}

function quote(value: string): string {
  return `\`${value}\``;
}

/** "listing uploads in `logs`", "aborting upload `abc…` of `a/b.bin` in `logs`". */
function describeOperation(context: ErrorContext): string {
  const bucket = context.bucket ? quote(context.bucket) : "the bucket";
  const key = context.key !== undefined ? quote(context.key) : "the object";
  switch (context.operation) {
    case "list-buckets":
      return "listing buckets";
    case "list-uploads":
      return `listing uploads in ${bucket}`;
    case "list-parts":
      return `listing parts of ${key} in ${bucket}`;
    case "abort":
      return `aborting the upload of ${key} in ${bucket}`;
    case "verify":
      return `verifying the abort of ${key} in ${bucket}`;
    case "head-object":
      return `reading ${key} in ${bucket}`;
  }
}

const REQUIRED_PERMISSION: Record<S3Operation, string> = {
  "list-buckets": "s3:ListAllMyBuckets (or list the buckets in the profile)",
  "list-uploads": "s3:ListBucketMultipartUploads",
  "list-parts": "s3:ListMultipartUploadParts",
  abort: "s3:AbortMultipartUpload",
  verify: "s3:ListMultipartUploadParts",
  "head-object": "s3:GetObject",
};

function endpointHost(endpoint: string | undefined): string {
  if (!endpoint) return "the endpoint";
  try {
    return new URL(endpoint).host;
  } catch {
    return "the endpoint";
  }
}

function attemptsNote(attempts: number | undefined): string {
  return attempts && attempts > 1 ? ` after ${attempts} attempts` : "";
}

function composeMessage(code: S3ErrorCode, fields: ErrorFields, context: ErrorContext): string {
  const doing = describeOperation(context);
  const s3 = fields.s3Code ?? (fields.httpStatus ? `HTTP ${fields.httpStatus}` : fields.code ?? fields.name ?? "no code");
  const host = endpointHost(context.endpoint);
  switch (code) {
    case "access-denied":
      return `Access denied (${s3}) ${doing} — the profile's key lacks ${REQUIRED_PERMISSION[context.operation]}.`;
    case "invalid-credentials":
      return `The endpoint rejected the profile's key (${s3}) ${doing} — check the access key, the secret and the server clock.`;
    case "no-such-bucket":
      return `${context.bucket ? `Bucket ${quote(context.bucket)}` : "The bucket"} does not exist (${s3}) — remove it from the profile or check the endpoint.`;
    case "invalid-bucket-name":
      return `${context.bucket ? quote(context.bucket) : "The bucket"} is not a valid bucket name (${s3}) — fix the profile's bucket list.`;
    case "no-such-upload":
      return `The upload of ${context.key !== undefined ? quote(context.key) : "the object"} in ${context.bucket ? quote(context.bucket) : "the bucket"} no longer exists (${s3}) — another admin or a lifecycle rule aborted or completed it; refresh the list.`;
    case "throttled":
      return `The endpoint is throttling requests (${s3}) ${doing}${attemptsNote(fields.attempts)} — try again in a minute or lower RECLAIM_S3_CONCURRENCY.`;
    case "timeout":
      if (fields.name === "AbortError") return `Stopped ${doing}: the request was cancelled before ${host} answered.`;
      return `No answer from ${host} in time ${doing}${attemptsNote(fields.attempts)} — check that the endpoint is up, or raise RECLAIM_S3_TIMEOUT_MS.`;
    case "unreachable":
      if (fields.code && CONNECTION_LOST_NODE_CODES.has(fields.code)) {
        return `The connection to ${host} was lost (${fields.code}) ${doing}${attemptsNote(fields.attempts)} — check the endpoint and the network, then try again.`;
      }
      return `Cannot reach ${host} (${fields.code ?? "no connection"}) ${doing} — check that the endpoint is up and the profile's URL is right.`;
    case "not-implemented":
      return `The endpoint does not support this request (${s3}) ${doing}.`;
    case "server-error":
      return `The endpoint failed (${s3}) ${doing}${attemptsNote(fields.attempts)} — try again; if it persists, check the storage service's health.`;
    case "rejected":
    case "pager-stuck":
    case "page-cap":
    case "abort-in-progress": // never classified from an SDK error; set by lib/uploads/service.ts
    case "unknown":
      return `Unexpected error (${s3}) ${doing} — try again; if it persists, check the endpoint's logs.`;
  }
}

/** Map anything thrown by the SDK (or by our pagers) to a ReclaimError for this context. */
export function toReclaimError(error: unknown, context: ErrorContext): ReclaimError {
  if (error instanceof ReclaimS3Error) return error.detail;
  const fields = readFields(error);
  const code = classify(fields, context.operation);
  const result: ReclaimError = { code, message: composeMessage(code, fields, context) };
  if (fields.s3Code) result.s3Code = fields.s3Code;
  if (fields.httpStatus !== undefined) result.httpStatus = fields.httpStatus;
  if (context.bucket !== undefined) result.bucket = context.bucket;
  if (context.key !== undefined) result.key = context.key;
  return result;
}

/** The S3 error code of an SDK error ("NoSuchKey", "AccessDenied"…), if it had one. */
export function s3ErrorCode(error: unknown): string | undefined {
  return readFields(error).s3Code;
}

/** NoSuchUpload (AWS) or NoSuchKey (RGW, for ListParts of an aborted upload): the upload is gone. */
export function isUploadGoneError(error: unknown): boolean {
  const code = s3ErrorCode(error);
  return code === "NoSuchUpload" || code === "NoSuchKey";
}

export function isAccessDeniedError(error: unknown): boolean {
  return classify(readFields(error)) === "access-denied";
}

/** A listing that loops: the server sent a marker we had already sent. */
export function pagerStuckError(context: ErrorContext, pages: number, marker: string): ReclaimS3Error {
  const where = describeOperation(context);
  return new ReclaimS3Error({
    code: "pager-stuck",
    message: `Stopped ${where} after ${pages} page${pages === 1 ? "" : "s"}: the endpoint sent marker ${quote(marker)} again (IsTruncated with no progress) — totals are incomplete; report this endpoint bug.`,
    ...(context.bucket !== undefined ? { bucket: context.bucket } : {}),
    ...(context.key !== undefined ? { key: context.key } : {}),
  });
}

/** A listing longer than the page cap: stopped so one bucket cannot run forever. */
export function pageCapError(context: ErrorContext, pages: number): ReclaimS3Error {
  const where = describeOperation(context);
  return new ReclaimS3Error({
    code: "page-cap",
    message: `Stopped ${where} after ${pages} pages (the page cap) — totals are incomplete; narrow the listing with a prefix.`,
    ...(context.bucket !== undefined ? { bucket: context.bucket } : {}),
    ...(context.key !== undefined ? { key: context.key } : {}),
  });
}

import { describe, expect, it } from "vitest";
import {
  ReclaimS3Error,
  isAccessDeniedError,
  isUploadGoneError,
  pageCapError,
  pagerStuckError,
  toReclaimError,
} from "@/lib/s3/errors";

// Plain objects shaped like what the SDK throws against RGW (captured from the real gateway):
// `message` is "UnknownError", the code is in `name` / `Code`.
function s3Error(code: string, status: number, extra: Record<string, unknown> = {}) {
  return {
    name: code,
    Code: code,
    message: "UnknownError",
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, attempts: 1 },
    ...extra,
  };
}

const listUploads = { operation: "list-uploads", bucket: "logs", endpoint: "http://127.0.0.1:17280" } as const;

describe("toReclaimError", () => {
  it("maps AccessDenied to access-denied naming the bucket and the missing permission", () => {
    const error = toReclaimError(s3Error("AccessDenied", 403), listUploads);
    expect(error).toMatchObject({ code: "access-denied", s3Code: "AccessDenied", httpStatus: 403, bucket: "logs" });
    expect(error.message).toBe(
      "Access denied (AccessDenied) listing uploads in `logs` — the profile's key lacks s3:ListBucketMultipartUploads.",
    );
  });

  it("names the abort permission for an abort", () => {
    const error = toReclaimError(s3Error("AccessDenied", 403), { operation: "abort", bucket: "logs", key: "a/b.gz" });
    expect(error.message).toContain("aborting the upload of `a/b.gz` in `logs`");
    expect(error.message).toContain("s3:AbortMultipartUpload");
    expect(error.key).toBe("a/b.gz");
  });

  it("never shows UnknownError or a stack", () => {
    const error = toReclaimError(s3Error("InternalError", 500), listUploads);
    expect(error.code).toBe("server-error");
    expect(error.message).not.toMatch(/UnknownError|at .*\.ts/);
    expect(error.message).toContain("InternalError");
  });

  it.each([
    ["NoSuchBucket", 404, "no-such-bucket"],
    ["InvalidBucketName", 400, "invalid-bucket-name"],
    ["NoSuchUpload", 404, "no-such-upload"],
    ["SlowDown", 503, "throttled"],
    ["InvalidAccessKeyId", 403, "invalid-credentials"],
    ["SignatureDoesNotMatch", 403, "invalid-credentials"],
    ["RequestTimeTooSkewed", 403, "invalid-credentials"],
    ["NotImplemented", 501, "not-implemented"],
    ["ServiceUnavailable", 503, "server-error"],
    ["RequestTimeout", 400, "timeout"],
  ] as const)("maps %s (%i) to %s", (code, status, expected) => {
    expect(toReclaimError(s3Error(code, status), listUploads).code).toBe(expected);
  });

  it("reads NoSuchKey as a gone upload only for upload operations", () => {
    expect(toReclaimError(s3Error("NoSuchKey", 404), { operation: "list-parts", bucket: "b", key: "k" }).code).toBe("no-such-upload");
    expect(toReclaimError(s3Error("NoSuchKey", 404), { operation: "head-object", bucket: "b", key: "k" }).code).toBe("unknown");
  });

  it("falls back on the HTTP status when the body had no code", () => {
    const noBody = { name: "UnknownError", message: "UnknownError", $metadata: { httpStatusCode: 403 } };
    expect(toReclaimError(noBody, listUploads)).toMatchObject({ code: "access-denied", httpStatus: 403 });
    expect(toReclaimError({ name: "Error", $metadata: { httpStatusCode: 429 } }, listUploads).code).toBe("throttled");
    expect(toReclaimError({ name: "Error", $metadata: { httpStatusCode: 502 } }, listUploads).code).toBe("server-error");
    const error = toReclaimError({ name: "UnknownError", $metadata: { httpStatusCode: 418 } }, listUploads);
    expect(error.code).toBe("unknown");
    expect(error.message).toContain("HTTP 418");
    expect(error.s3Code).toBeUndefined();
  });

  it("maps a refused connection to unreachable naming the endpoint", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
      code: "ECONNREFUSED",
      $metadata: { attempts: 4 },
    });
    const error = toReclaimError(refused, { operation: "list-buckets", endpoint: "http://127.0.0.1:1" });
    expect(error.code).toBe("unreachable");
    expect(error.message).toBe(
      "Cannot reach 127.0.0.1:1 (ECONNREFUSED) listing buckets — check that the endpoint is up and the profile's URL is right.",
    );
  });

  it("maps a reset connection (which the SDK renames TimeoutError) to unreachable, not timeout", () => {
    const reset = { name: "TimeoutError", code: "ECONNRESET", message: "socket hang up", $metadata: { attempts: 4 } };
    const error = toReclaimError(reset, listUploads);
    expect(error.code).toBe("unreachable");
    expect(error.message).toContain("connection to 127.0.0.1:17280 was lost (ECONNRESET) listing uploads in `logs` after 4 attempts");
  });

  it("maps timeouts and cancellations to timeout", () => {
    const timeout = { name: "TimeoutError", code: "ETIMEDOUT", message: "…requestTimeout", $metadata: {} };
    expect(toReclaimError(timeout, listUploads).message).toContain("raise RECLAIM_S3_TIMEOUT_MS");
    const aborted = { name: "AbortError", message: "Request aborted" };
    const error = toReclaimError(aborted, listUploads);
    expect(error.code).toBe("timeout");
    expect(error.message).toContain("cancelled");
  });

  it("mentions the retries of a throttled request", () => {
    const error = toReclaimError(s3Error("SlowDown", 503, { $metadata: { httpStatusCode: 503, attempts: 4 } }), listUploads);
    expect(error.message).toContain("(SlowDown) listing uploads in `logs` after 4 attempts");
  });

  it("handles values that are not errors", () => {
    expect(toReclaimError(undefined, { operation: "list-buckets" }).code).toBe("unknown");
    expect(toReclaimError("boom", { operation: "list-buckets" }).message).toContain("listing buckets");
  });

  it("passes a ReclaimS3Error through unchanged", () => {
    const stuck = pagerStuckError(listUploads, 3, "k / id");
    expect(toReclaimError(stuck, { operation: "abort" })).toBe(stuck.detail);
  });
});

describe("error helpers", () => {
  it("treats NoSuchUpload and RGW's NoSuchKey as gone", () => {
    expect(isUploadGoneError(s3Error("NoSuchUpload", 404))).toBe(true);
    expect(isUploadGoneError(s3Error("NoSuchKey", 404))).toBe(true);
    expect(isUploadGoneError(s3Error("NoSuchBucket", 404))).toBe(false);
    expect(isUploadGoneError(new Error("x"))).toBe(false);
  });

  it("recognises access denied", () => {
    expect(isAccessDeniedError(s3Error("AccessDenied", 403))).toBe(true);
    expect(isAccessDeniedError(s3Error("SignatureDoesNotMatch", 403))).toBe(false);
  });

  it("builds pager errors as ReclaimS3Error with a sentence", () => {
    const stuck = pagerStuckError(listUploads, 2, "a / 2~x");
    expect(stuck).toBeInstanceOf(ReclaimS3Error);
    expect(stuck.detail).toMatchObject({ code: "pager-stuck", bucket: "logs" });
    expect(stuck.message).toContain("marker `a / 2~x` again");
    const cap = pageCapError(listUploads, 10);
    expect(cap.detail.code).toBe("page-cap");
    expect(cap.message).toContain("after 10 pages");
  });
});

import { describe, expect, it } from "vitest";
import { isRejection, lifecycleError } from "@/lib/s3/lifecycle-errors";

describe("lifecycleError", () => {
  const sdkError = (name: string, status: number) =>
    Object.assign(new Error("UnknownError"), {
      name,
      Code: name,
      $metadata: { httpStatusCode: status },
    });

  it("names the bucket, the S3 code and the permission", () => {
    const e = lifecycleError(sdkError("AccessDenied", 403), "write", "logs");
    expect(e).toMatchObject({
      code: "access-denied",
      s3Code: "AccessDenied",
      httpStatus: 403,
      bucket: "logs",
    });
    expect(e.message).toContain("`logs`");
    expect(e.message).toContain("s3:PutLifecycleConfiguration");
    expect(e.message).not.toContain("UnknownError");
  });

  it("maps NotImplemented, 501 and MethodNotAllowed to not-implemented", () => {
    expect(lifecycleError(sdkError("NotImplemented", 501), "read", "b").code).toBe(
      "not-implemented",
    );
    expect(lifecycleError(sdkError("MethodNotAllowed", 405), "read", "b").code).toBe(
      "not-implemented",
    );
    expect(
      lifecycleError(
        Object.assign(new Error(""), { name: "UnknownError", $metadata: { httpStatusCode: 501 } }),
        "read",
        "b",
      ).code,
    ).toBe("not-implemented");
  });

  it("says plainly when the endpoint rejects the rules", () => {
    const e = lifecycleError(sdkError("InvalidArgument", 400), "write", "b");
    expect(isRejection(e)).toBe(true);
    expect(e.message).toMatch(/rejected.*InvalidArgument.*nothing was changed/);
  });
});

import { describe, expect, it } from "vitest";
import { describeBucket, summarize } from "@/lib/uploads/summary";
import { MiB, parts, row } from "@/tests/support/upload-rows";

describe("summarize", () => {
  const rows = [
    row("reclaim-logs", "a", { parts: parts(1, 100) }),
    row("reclaim-logs", "b", { parts: null }),
    row("reclaim-media", "c", { parts: parts(1005, 5 * MiB) }),
    row("reclaim-media", "d", {
      parts: null,
      partsError: { code: "access-denied", message: "Access denied listing parts" },
    }),
  ];
  const buckets = [
    { bucket: "reclaim-logs", uploads: 2, parts: 1, bytes: 100, complete: true },
    { bucket: "reclaim-media", uploads: 2, parts: 1005, bytes: 5 * MiB, complete: true },
    { bucket: "reclaim-archive", uploads: 0, parts: 0, bytes: 0, complete: true },
    {
      bucket: "secret",
      uploads: 0,
      parts: 0,
      bytes: 0,
      complete: false,
      error: { code: "access-denied" as const, message: "Access denied listing uploads in secret" },
    },
  ];

  it("totals what is in view and everything", () => {
    const s = summarize(rows, rows.slice(2, 3), buckets);
    expect(s.total).toEqual({
      uploads: 4,
      parts: 1006,
      bytes: 5 * MiB + 100,
      counting: 1,
      unreadable: 1,
    });
    expect(s.inView).toEqual({
      uploads: 1,
      parts: 1005,
      bytes: 5 * MiB,
      counting: 0,
      unreadable: 0,
    });
  });

  it("has a chip for every bucket, sorted, including empty and failed ones", () => {
    const s = summarize(rows, rows, buckets);
    expect(s.buckets.map((c) => c.bucket)).toEqual([
      "reclaim-archive",
      "reclaim-logs",
      "reclaim-media",
      "secret",
    ]);
    const logs = s.buckets.find((c) => c.bucket === "reclaim-logs");
    expect(logs).toMatchObject({ uploads: 2, parts: 1, bytes: 100, counting: 1, error: null });
  });

  it("describes a bucket that could not be listed as the problem, never as 0 uploads", () => {
    const chips = summarize(rows, rows, buckets).buckets;
    const secret = chips.find((c) => c.bucket === "secret");
    expect(secret && describeBucket(secret)).toBe("access denied");
    const archive = chips.find((c) => c.bucket === "reclaim-archive");
    expect(archive && describeBucket(archive)).toBe("0 uploads · 0 B");
    const other = {
      ...secret!,
      error: { code: "timeout" as const, message: "The endpoint did not answer in time" },
    };
    expect(describeBucket(other)).toBe("The endpoint did not answer in time");
    expect(describeBucket({ ...other, uploads: 3, bytes: 2048 })).toMatch(
      /^3 uploads · 2\.0 KiB \(partly listed/,
    );
  });
});

import { describe, expect, it } from "vitest";
import {
  ageMs,
  formatAge,
  formatAgo,
  formatBytes,
  formatBytesExact,
  formatCount,
  formatDateTime,
  formatDuration,
  plural,
  formatUsd,
  shortUploadId,
} from "@/lib/format";

const NOW = Date.parse("2026-11-27T12:00:00.000Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe("formatBytes", () => {
  it("uses binary units with one decimal below 100", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1.0 KiB");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(12.3 * 1024 * 1024)).toBe("12.3 MiB");
    expect(formatBytes(512 * 1024 * 1024)).toBe("512 MiB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.0 GiB");
    expect(formatBytes(2.5 * 1024 ** 4)).toBe("2.5 TiB");
  });

  it("never shows 1024 of a unit", () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe("1.0 MiB");
    expect(formatBytes(1024 ** 3 - 1)).toBe("1.0 GiB");
  });

  it("copes with odd input", () => {
    expect(formatBytes(Number.NaN)).toBe("—");
    expect(formatBytes(-2048)).toBe("-2.0 KiB");
  });

  it("gives the exact number for tooltips", () => {
    expect(formatBytesExact(12_897_484)).toBe("12,897,484 bytes");
    expect(formatBytesExact(1)).toBe("1 byte");
    expect(formatCount(1005)).toBe("1,005");
  });
});

describe("ages", () => {
  it("picks the largest whole unit", () => {
    expect(formatDuration(0)).toBe("0 s");
    expect(formatDuration(4_000)).toBe("4 s");
    expect(formatDuration(59_999)).toBe("59 s");
    expect(formatDuration(60_000)).toBe("1 min");
    expect(formatDuration(12 * 60_000 + 5_000)).toBe("12 min");
    expect(formatDuration(2 * 3_600_000)).toBe("2 h");
    expect(formatDuration(47 * 3_600_000)).toBe("47 h");
    expect(formatDuration(3 * 86_400_000)).toBe("3 d");
    expect(formatDuration(1200 * 86_400_000)).toBe("1,200 d");
  });

  it("says just now for the current second and for a clock slightly ahead", () => {
    expect(formatAge(ago(0), NOW)).toBe("just now");
    expect(formatAge(ago(400), NOW)).toBe("just now");
    expect(formatAge(ago(-5_000), NOW)).toBe("just now");
    expect(formatAgo(ago(0), NOW)).toBe("just now");
  });

  it("formats relative ages", () => {
    expect(formatAge(ago(3 * 86_400_000), NOW)).toBe("3 d");
    expect(formatAge(ago(2 * 3_600_000), NOW)).toBe("2 h");
    expect(formatAgo(ago(4_000), NOW)).toBe("4 s ago");
    expect(formatAgo(ago(90 * 86_400_000), NOW)).toBe("90 d ago");
  });

  it("handles unknown times", () => {
    expect(formatAge(null, NOW)).toBe("—");
    expect(formatAge("not a date", NOW)).toBe("—");
    expect(formatAgo(undefined, NOW)).toBe("—");
    expect(ageMs(null, NOW)).toBeNull();
    expect(ageMs(ago(1000), NOW)).toBe(1000);
  });
});

describe("formatDateTime", () => {
  it("is UTC and the same everywhere", () => {
    expect(formatDateTime("2026-11-27T09:05:07.123Z")).toBe("2026-11-27 09:05 UTC");
    expect(formatDateTime("2026-11-27T09:05:07.123Z", { seconds: true })).toBe(
      "2026-11-27 09:05:07 UTC",
    );
    expect(formatDateTime("2026-11-27T23:59:00+01:00")).toBe("2026-11-27 22:59 UTC");
    expect(formatDateTime("2026-11-27T09:05:07.123Z", { zone: false })).toBe("2026-11-27 09:05");
    expect(formatDateTime(null)).toBe("—");
  });
});

describe("shortUploadId", () => {
  it("keeps the start and the end of long ids", () => {
    expect(shortUploadId("2~kq3Ze8Wb7nP0dXr5sT1vY9fQ")).toBe("2~kq3Ze8…Y9fQ");
    expect(shortUploadId("short-id")).toBe("short-id");
    expect(shortUploadId("exactly13char")).toBe("exactly13char");
  });
});

describe("plural", () => {
  it("counts", () => {
    expect(plural(1, "upload")).toBe("1 upload");
    expect(plural(1096, "upload")).toBe("1,096 uploads");
    expect(plural(0, "part")).toBe("0 parts");
  });
});

describe("formatUsd", () => {
  it("keeps two significant digits below a cent and cents above", () => {
    expect(formatUsd(0)).toBe("$0");
    expect(formatUsd(0.00156)).toBe("$0.0016");
    expect(formatUsd(0.000005)).toBe("$0.000005");
    expect(formatUsd(0.4)).toBe("$0.40");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
  });
});

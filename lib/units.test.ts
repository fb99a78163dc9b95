import { describe, expect, it } from "vitest";
import { formatDurationParam, formatSizeParam, parseDuration, parseSize } from "@/lib/units";

const DAY = 86_400_000;
const MiB = 1024 ** 2;

describe("parseDuration", () => {
  it("reads the units admins type", () => {
    expect(parseDuration("7d")?.ms).toBe(7 * DAY);
    expect(parseDuration("12h")?.ms).toBe(12 * 3_600_000);
    expect(parseDuration("30m")?.ms).toBe(30 * 60_000);
    expect(parseDuration("30 min")?.ms).toBe(30 * 60_000);
    expect(parseDuration("90s")?.ms).toBe(90_000);
    expect(parseDuration("2w")?.ms).toBe(14 * DAY);
    expect(parseDuration("1.5d")?.ms).toBe(1.5 * DAY);
    expect(parseDuration(" 7D ")?.ms).toBe(7 * DAY);
  });

  it("refuses what is not a duration", () => {
    for (const bad of ["", "7", "d", "7x", "-1d", "7d3h", "1e3d"]) expect(parseDuration(bad)).toBeNull();
  });
});

describe("parseSize", () => {
  it("reads binary and decimal units, and bare bytes", () => {
    expect(parseSize("100MiB")?.bytes).toBe(100 * 1024 ** 2);
    expect(parseSize("1.5 GiB")?.bytes).toBe(1.5 * 1024 ** 3);
    expect(parseSize("20MB")?.bytes).toBe(20_000_000);
    expect(parseSize("4096")?.bytes).toBe(4096);
    expect(parseSize("10k")?.bytes).toBe(10 * 1024);
    expect(parseSize("2 tib")?.bytes).toBe(2 * 1024 ** 4);
  });

  it("refuses what is not a size", () => {
    for (const bad of ["", "MiB", "10 parsecs", "-5MiB", "1,000"]) expect(parseSize(bad)).toBeNull();
  });
});

describe("formatting back to parameters", () => {
  it("round-trips durations and sizes", () => {
    expect(formatDurationParam(parseDuration("2w")?.ms ?? 0)).toBe("14d");
    for (const text of ["7d", "12h", "90m", "45s"]) expect(formatDurationParam(parseDuration(text)?.ms ?? 0)).toBe(text);
    for (const text of ["100MiB", "2GiB", "20MB", "1000", "3KiB"]) expect(formatSizeParam(parseSize(text)?.bytes ?? 0)).toBe(text);
  });
});

describe("canonical text", () => {
  it("reads ages with units", () => {
    expect(parseDuration("7d")).toEqual({ text: "7d", ms: 7 * DAY });
    expect(parseDuration(" 12h ")).toEqual({ text: "12h", ms: 12 * 3_600_000 });
    expect(parseDuration("30min")).toEqual({ text: "30m", ms: 30 * 60_000 });
    expect(parseDuration("90S")).toEqual({ text: "90s", ms: 90_000 });
    expect(parseDuration("2w")).toEqual({ text: "2w", ms: 14 * DAY });
    expect(parseDuration("1.5d")).toEqual({ text: "1.5d", ms: 1.5 * DAY });
  });

  it("rejects what is not an age", () => {
    for (const bad of ["", "7", "d", "-3d", "7 days", "abc", "7y"])
      expect(parseDuration(bad)).toBeNull();
  });

  it("reads sizes: binary units, decimal KB/MB, bare numbers as bytes", () => {
    expect(parseSize("100MiB")).toEqual({ text: "100MiB", bytes: 100 * MiB });
    expect(parseSize("1.5 GiB")).toEqual({ text: "1.5GiB", bytes: 1.5 * 1024 * MiB });
    expect(parseSize("2g")).toEqual({ text: "2GiB", bytes: 2 * 1024 * MiB });
    expect(parseSize("500KB")).toEqual({ text: "500KB", bytes: 500_000 });
    expect(parseSize("4096")).toEqual({ text: "4096B", bytes: 4096 });
    expect(parseSize("0")).toEqual({ text: "0B", bytes: 0 });
  });

  it("rejects what is not a size", () => {
    for (const bad of ["", "MiB", "-1MiB", "12 parsecs", "1e9"]) expect(parseSize(bad)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import {
  describeSelection,
  emptyFilterForm,
  formatDurationParam,
  formatSizeParam,
  formFromSearchParams,
  parseBucketParam,
  parseDuration,
  parseSize,
  searchParamsFromSelection,
  selectionFromForm,
} from "@/lib/jobs/filter-params";

const DAY = 86_400_000;

describe("parseDuration", () => {
  it("reads the units admins type", () => {
    expect(parseDuration("7d")).toBe(7 * DAY);
    expect(parseDuration("12h")).toBe(12 * 3_600_000);
    expect(parseDuration("30m")).toBe(30 * 60_000);
    expect(parseDuration("30 min")).toBe(30 * 60_000);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("2w")).toBe(14 * DAY);
    expect(parseDuration("1.5d")).toBe(1.5 * DAY);
    expect(parseDuration(" 7D ")).toBe(7 * DAY);
  });

  it("refuses what is not a duration", () => {
    for (const bad of ["", "7", "d", "7x", "-1d", "7d3h", "1e3d"]) expect(parseDuration(bad)).toBeNull();
  });
});

describe("parseSize", () => {
  it("reads binary and decimal units, and bare bytes", () => {
    expect(parseSize("100MiB")).toBe(100 * 1024 ** 2);
    expect(parseSize("1.5 GiB")).toBe(1.5 * 1024 ** 3);
    expect(parseSize("20MB")).toBe(20_000_000);
    expect(parseSize("4096")).toBe(4096);
    expect(parseSize("10k")).toBe(10 * 1024);
    expect(parseSize("2 tib")).toBe(2 * 1024 ** 4);
  });

  it("refuses what is not a size", () => {
    for (const bad of ["", "MiB", "10 parsecs", "-5MiB", "1,000"]) expect(parseSize(bad)).toBeNull();
  });
});

describe("formatting back to parameters", () => {
  it("round-trips durations and sizes", () => {
    expect(formatDurationParam(parseDuration("2w") ?? 0)).toBe("14d");
    for (const text of ["7d", "12h", "90m", "45s"]) expect(formatDurationParam(parseDuration(text) ?? 0)).toBe(text);
    for (const text of ["100MiB", "2GiB", "20MB", "1000", "3KiB"]) expect(formatSizeParam(parseSize(text) ?? 0)).toBe(text);
  });
});

describe("formFromSearchParams", () => {
  it("prefills from the uploads table's parameters", () => {
    const form = formFromSearchParams({ profile: "local", bucket: "logs", q: "tmp/", minAge: "7d", minSize: "100MiB", idle: "3d" });
    expect(form).toEqual({ buckets: ["logs"], key: "tmp/", keyMatch: "contains", minAge: "7d", minSize: "100MiB", idle: "3d", active: "15" });
  });

  it("takes repeated and comma-separated buckets, a prefix match and an active window", () => {
    const params = new URLSearchParams("bucket=a,b&bucket=c&bucket=a&q=x&match=prefix&active=0");
    const form = formFromSearchParams(params);
    expect(form.buckets).toEqual(["a", "b", "c"]);
    expect(form.keyMatch).toBe("prefix");
    expect(form.active).toBe("0");
  });

  it("defaults to an empty filter", () => {
    expect(formFromSearchParams({})).toEqual(emptyFilterForm());
    expect(parseBucketParam([" , "])).toEqual([]);
  });
});

describe("selectionFromForm", () => {
  it("builds the selection", () => {
    const result = selectionFromForm("local", { ...emptyFilterForm(), buckets: ["b"], key: "p/", keyMatch: "prefix", minAge: "7d", minSize: "1MiB", idle: "1h", active: "5" });
    expect(result).toEqual({
      ok: true,
      selection: {
        profileId: "local",
        buckets: ["b"],
        key: "p/",
        keyMatch: "prefix",
        olderThanMs: 7 * DAY,
        largerThanBytes: 1024 ** 2,
        idleForMs: 3_600_000,
        activeWithinMinutes: 5,
      },
    });
  });

  it("names every bad field", () => {
    const result = selectionFromForm("local", { ...emptyFilterForm(), minAge: "a week", minSize: "big", idle: "7", active: "-1" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(["active", "idle", "minAge", "minSize"]);
  });

  it("round-trips through the URL", () => {
    const form = { ...emptyFilterForm(), buckets: ["a", "b"], key: "tmp/", minAge: "30d", minSize: "5GiB", idle: "2h", active: "0" };
    const built = selectionFromForm("local", form);
    if (!built.ok) throw new Error("invalid");
    const params = searchParamsFromSelection(built.selection);
    expect(params.get("profile")).toBe("local");
    expect(formFromSearchParams(params)).toEqual(form);
  });
});

describe("describeSelection", () => {
  it("says what is selected in words", () => {
    expect(
      describeSelection({ profileId: "p", buckets: ["logs"], key: "tmp/", keyMatch: "prefix", olderThanMs: 7 * DAY, activeWithinMinutes: 15 }),
    ).toEqual(["bucket `logs`", "key starts with `tmp/`", "older than 7d", "active = activity in the last 15 min"]);
  });
});

import { describe, expect, it } from "vitest";
import {
  describeSelection,
  emptyFilterForm,
  formFromSearchParams,
  parseBucketParam,
  searchParamsFromSelection,
  selectionFromForm,
} from "@/lib/jobs/filter-params";

const DAY = 86_400_000;

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

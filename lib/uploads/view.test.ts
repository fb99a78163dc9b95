import { describe, expect, it } from "vitest";
import { parseDuration, parseSize } from "@/lib/units";
import {
  defaultView,
  hasFilters,
  parseView,
  reconcileBucket,
  serializeView,
  toggleSort,
} from "@/lib/uploads/view";
import { DAY, MiB, view } from "@/tests/support/upload-rows";

describe("parseView / serializeView", () => {
  it("gives the default view for an empty URL", () => {
    expect(parseView(new URLSearchParams(""))).toEqual({ view: defaultView, notes: [] });
  });

  it("reads every parameter", () => {
    const { view: v, notes } = parseView(
      new URLSearchParams(
        "profile=local&bucket=reclaim-media&q=videos/&minAge=7d&minSize=1MiB&sort=initiated&dir=desc",
      ),
    );
    expect(notes).toEqual([]);
    expect(v).toEqual({
      bucket: "reclaim-media",
      q: "videos/",
      minAge: { text: "7d", ms: 7 * DAY },
      minSize: { text: "1MiB", bytes: MiB },
      sort: "initiated",
      dir: "desc",
    });
  });

  it("also reads Next's searchParams object", () => {
    const { view: v } = parseView({ bucket: ["reclaim-logs", "x"], sort: "key", dir: undefined });
    expect(v.bucket).toBe("reclaim-logs");
    expect(v.sort).toBe("key");
    expect(v.dir).toBe("asc");
  });

  it("ignores invalid values with a note each, never throws", () => {
    const { view: v, notes } = parseView(
      new URLSearchParams("bucket=no/such&minAge=soon&minSize=huge&sort=colour&dir=sideways"),
    );
    expect(v).toEqual(defaultView);
    expect(notes.map((n) => n.param)).toEqual(["bucket", "minAge", "minSize", "sort", "dir"]);
    expect(notes.find((n) => n.param === "minAge")?.message).toMatch(/"soon" was ignored/);
  });

  it("uses a column's natural direction when only sort is given", () => {
    expect(parseView(new URLSearchParams("sort=parts")).view.dir).toBe("desc");
    expect(parseView(new URLSearchParams("sort=key")).view.dir).toBe("asc");
    expect(parseView(new URLSearchParams("sort=key&dir=desc")).view.dir).toBe("desc");
  });

  it("round-trips and keeps unrelated params, dropping defaults", () => {
    const v = view({
      bucket: "reclaim-logs",
      q: "app/",
      minAge: parseDuration("30d"),
      minSize: parseSize("1KiB"),
      sort: "key",
      dir: "asc",
    });
    const params = serializeView(v, new URLSearchParams("profile=local&sort=bytes"));
    expect(params.get("profile")).toBe("local");
    expect(parseView(params).view).toEqual(v);
    expect(serializeView(defaultView, new URLSearchParams("profile=local&q=x")).toString()).toBe(
      "profile=local",
    );
  });

  it("knows whether any filter is set", () => {
    expect(hasFilters(defaultView)).toBe(false);
    expect(hasFilters(view({ sort: "key" }))).toBe(false);
    expect(hasFilters(view({ q: "a" }))).toBe(true);
  });

  it("toggles sort like a table header", () => {
    expect(toggleSort(defaultView, "bytes")).toMatchObject({ sort: "bytes", dir: "asc" });
    expect(toggleSort(defaultView, "key")).toMatchObject({ sort: "key", dir: "asc" });
    expect(toggleSort(view({ sort: "key", dir: "asc" }), "key")).toMatchObject({ dir: "desc" });
    expect(toggleSort(defaultView, "initiated")).toMatchObject({ sort: "initiated", dir: "asc" });
  });

  it("drops a bucket filter for a bucket the endpoint does not list, with a note", () => {
    const { view: v, note } = reconcileBucket(view({ bucket: "gone-bucket" }), ["reclaim-logs"]);
    expect(v.bucket).toBeNull();
    expect(note?.message).toMatch(/gone-bucket/);
    expect(reconcileBucket(view({ bucket: "reclaim-logs" }), ["reclaim-logs"]).note).toBeNull();
  });
});

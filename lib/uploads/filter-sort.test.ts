import { describe, expect, it } from "vitest";
import { parseDuration, parseSize } from "@/lib/units";
import { applyView, filterRows, sortRows } from "@/lib/uploads/filter-sort";
import { MiB, NOW, parts, row, view } from "@/tests/support/upload-rows";

describe("filterRows", () => {
  const rows = [
    row("reclaim-logs", "app/2026/11/01/host-1.log.gz", { ageDays: 30, parts: parts(1, 4 * 1024) }),
    row("reclaim-media", "videos/raw/clip-1.mov", { ageDays: 2, parts: parts(3, 12 * MiB) }),
    row("reclaim-media", "Videos/Other.MOV", { ageDays: 0.01, parts: null }),
    row("reclaim-backups", "db dumps/full.sql.gz", {
      ageDays: null,
      parts: parts(0, 0, NOW, null),
    }),
  ];

  it("filters by bucket", () => {
    expect(filterRows(rows, view({ bucket: "reclaim-media" }), NOW)).toHaveLength(2);
  });

  it("matches the key text anywhere, ignoring case (so prefixes match too)", () => {
    expect(filterRows(rows, view({ q: "videos/" }), NOW).map((r) => r.key)).toEqual([
      "videos/raw/clip-1.mov",
      "Videos/Other.MOV",
    ]);
    expect(filterRows(rows, view({ q: "HOST-1" }), NOW)).toHaveLength(1);
  });

  it("keeps only rows at least as old as the minimum age; unknown ages do not match", () => {
    const keys = filterRows(rows, view({ minAge: parseDuration("1d") }), NOW).map((r) => r.key);
    expect(keys).toEqual(["app/2026/11/01/host-1.log.gz", "videos/raw/clip-1.mov"]);
  });

  it("keeps only rows at least as big as the minimum size; rows still counting do not match", () => {
    expect(filterRows(rows, view({ minSize: parseSize("1MiB") }), NOW).map((r) => r.key)).toEqual([
      "videos/raw/clip-1.mov",
    ]);
    expect(filterRows(rows, view({ minSize: parseSize("0") }), NOW)).toHaveLength(4);
  });
});

describe("sortRows", () => {
  const a = row("b1", "a", { parts: parts(2, 300), ageDays: 3 });
  const b = row("b1", "b", { parts: parts(5, 100), ageDays: 1 });
  const c = row("b2", "c", { parts: null, ageDays: null });
  const d = row("b1", "d", { parts: parts(5, 100), ageDays: 2 });

  it("sorts numbers both ways with unknown values last either way", () => {
    expect(sortRows([c, a, b], "bytes", "desc").map((r) => r.key)).toEqual(["a", "b", "c"]);
    expect(sortRows([c, a, b], "bytes", "asc").map((r) => r.key)).toEqual(["b", "a", "c"]);
    expect(sortRows([a, c, b], "initiated", "asc").map((r) => r.key)).toEqual(["a", "b", "c"]);
    expect(sortRows([a, c, b], "initiated", "desc").map((r) => r.key)).toEqual(["b", "a", "c"]);
  });

  it("breaks ties by bucket and key so the order is stable", () => {
    expect(sortRows([d, b, a], "parts", "desc").map((r) => r.key)).toEqual(["b", "d", "a"]);
    expect(sortRows([b, d], "parts", "asc").map((r) => r.key)).toEqual(["b", "d"]);
  });

  it("sorts text naturally", () => {
    const rows = [row("x", "part-10"), row("x", "part-9"), row("x", "Part-1")];
    expect(sortRows(rows, "key", "asc").map((r) => r.key)).toEqual(["Part-1", "part-9", "part-10"]);
  });

  it("applyView filters then sorts", () => {
    expect(
      applyView([a, b, c, d], view({ bucket: "b1", sort: "key", dir: "desc" }), NOW).map(
        (r) => r.key,
      ),
    ).toEqual(["d", "b", "a"]);
  });
});

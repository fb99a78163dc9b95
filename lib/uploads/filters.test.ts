import { describe, expect, it } from "vitest";
import { parseDuration, parseSize } from "@/lib/units";
import {
  applyPartsUpdates,
  applyView,
  defaultView,
  describeBucket,
  filterRows,
  hasFilters,
  markGone,
  mergeListing,
  parseView,
  reconcileBucket,
  serializeView,
  sortRows,
  summarize,
  toggleSort,
  type LiveListing,
  type UploadView,
} from "@/lib/uploads/filters";
import { rowId, type PartsInfo, type UploadListingChanges, type UploadRow } from "@/lib/uploads/types";

const NOW = Date.parse("2026-11-27T12:00:00.000Z");
const DAY = 86_400_000;
const MiB = 1024 * 1024;
const iso = (ms: number) => new Date(ms).toISOString();

function row(
  bucket: string,
  key: string,
  options: {
    uploadId?: string;
    ageDays?: number | null;
    parts?: PartsInfo | null;
    partsError?: UploadRow["partsError"];
  } = {},
): UploadRow {
  const ref = { bucket, key, uploadId: options.uploadId ?? `id-${key}` };
  return {
    ...ref,
    id: rowId(ref),
    initiated: options.ageDays === null ? null : iso(NOW - (options.ageDays ?? 1) * DAY),
    storageClass: "STANDARD",
    initiator: "admin",
    partsInfo: options.parts === undefined ? parts(1, 1024) : options.parts,
    partsError: options.partsError,
  };
}

function parts(
  count: number,
  bytes: number,
  checkedAt = NOW - 10_000,
  lastPartAt: number | null = NOW - DAY,
): PartsInfo {
  return {
    parts: count,
    bytes,
    lastPartAt: lastPartAt === null ? null : iso(lastPartAt),
    checkedAt: iso(checkedAt),
  };
}

const view = (patch: Partial<UploadView>): UploadView => ({ ...defaultView, ...patch });

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

describe("live merging", () => {
  const listedAt = NOW - 1_000;
  const cursor = { epoch: "e1", seq: 7 };
  /** A full answer: every row. */
  function listing(rows: UploadRow[], at = listedAt): UploadListingChanges {
    return {
      profileId: "local",
      listedAt: iso(at),
      rows,
      buckets: [{ bucket: "b", uploads: rows.length, parts: 0, bytes: 0, complete: true }],
      partsPending: rows.filter((r) => !r.partsInfo).length,
      full: true,
      removed: [],
      cursor,
    };
  }
  /** An answer with changes only; `listed` is how many uploads the server lists in all. */
  function changes(changed: UploadRow[], removed: string[], listed: number, at = listedAt): UploadListingChanges {
    const fresh = listing(changed, at);
    return {
      ...fresh,
      full: false,
      removed,
      buckets: [{ bucket: "b", uploads: listed, parts: 0, bytes: 0, complete: true }],
      cursor: { epoch: "e1", seq: 9 },
    };
  }
  function live(rows: UploadRow[]): LiveListing {
    return { ...listing(rows), gone: {}, cursor };
  }

  it("starts a live listing from the first answer", () => {
    const first = mergeListing(undefined, listing([row("b", "k")]));
    expect(first.gone).toEqual({});
    expect(first.rows).toHaveLength(1);
    expect(first.cursor).toEqual(cursor);
  });

  it("applies changes: changed rows replace theirs, removed rows go, new rows join, the rest stay", () => {
    const previous = live([
      row("b", "same", { parts: parts(1, 100, NOW - 9_000) }),
      row("b", "counted", { parts: null }),
      row("b", "aborted"),
    ]);
    const counted = row("b", "counted", { parts: parts(3, 300, NOW - 2_000) });
    const merged = mergeListing(
      previous,
      changes([counted, row("b", "new", { parts: null })], [row("b", "aborted").id], 3),
    );
    expect(merged.rows.map((r) => r.key)).toEqual(["same", "counted", "new"]);
    expect(merged.rows[0]).toBe(previous.rows[0]);
    expect(merged.rows[1]?.partsInfo?.parts).toBe(3);
    expect(merged.partsPending).toBe(1);
    expect(merged.cursor).toEqual({ epoch: "e1", seq: 9 });
  });

  it("asks for every row next time when its rows no longer add up to the server's count", () => {
    // The server lists 2, this copy holds 1 (say a row hidden as gone): do not build on it.
    const merged = mergeListing(live([row("b", "a")]), changes([], [], 2));
    expect(merged.rows).toHaveLength(1);
    expect(merged.cursor).toBeNull();
    // A full answer starts over.
    const full = mergeListing(merged, listing([row("b", "a"), row("b", "b")]));
    expect(full.rows).toHaveLength(2);
    expect(full.cursor).toEqual(cursor);
  });

  it("keeps parts numbers read more recently than the new listing's", () => {
    const fresh = row("b", "k", { parts: parts(5, 500, NOW - 2_000) });
    const previous = live([row("b", "k", { parts: parts(6, 600, NOW - 500) })]);
    const merged = mergeListing(previous, listing([fresh]));
    expect(merged.rows[0]?.partsInfo?.parts).toBe(6);

    const newer = row("b", "k", { parts: parts(7, 700, NOW) });
    expect(mergeListing(previous, listing([newer])).rows[0]?.partsInfo?.parts).toBe(7);
  });

  it("keeps numbers while the server is recounting (null) and recomputes partsPending", () => {
    const previous = live([row("b", "k", { parts: parts(6, 600) })]);
    const merged = mergeListing(previous, listing([row("b", "k", { parts: null })]));
    expect(merged.rows[0]?.partsInfo?.parts).toBe(6);
    expect(merged.partsPending).toBe(0);
  });

  it("shows new uploads and drops uploads no longer listed", () => {
    const previous = live([row("b", "old")]);
    const merged = mergeListing(previous, listing([row("b", "new")]));
    expect(merged.rows.map((r) => r.key)).toEqual(["new"]);
  });

  it("applies a parts refresh: newer numbers, errors, and rows gone", () => {
    const k1 = row("b", "k1", { parts: parts(1, 100, NOW - 5_000) });
    const k2 = row("b", "k2");
    const k3 = row("b", "k3", { parts: parts(2, 200, NOW - 5_000) });
    const next = applyPartsUpdates(
      live([k1, k2, k3]),
      [
        { id: k1.id, gone: false, partsInfo: parts(2, 5_100, NOW) },
        { id: k2.id, gone: true, partsInfo: null },
        {
          id: k3.id,
          gone: false,
          partsInfo: null,
          partsError: { code: "access-denied", message: "Access denied" },
        },
      ],
      NOW,
    );
    expect(next.rows.map((r) => r.key)).toEqual(["k1", "k3"]);
    expect(next.rows[0]?.partsInfo).toMatchObject({ parts: 2, bytes: 5_100 });
    expect(next.rows[1]?.partsInfo?.parts).toBe(2);
    expect(next.rows[1]?.partsError?.message).toBe("Access denied");
    expect(next.gone[k2.id]).toBe(iso(NOW));
  });

  it("does not let a listing taken before a row was seen gone bring it back", () => {
    const k = row("b", "k");
    const gone = markGone(live([k]), [k.id], NOW);
    expect(gone.rows).toHaveLength(0);
    // A listing started before the abort finished still lists it: stays hidden.
    expect(mergeListing(gone, listing([k], NOW - 500)).rows).toHaveLength(0);
    // A later listing that lists it again is believed (same key re-uploaded with the same id is impossible,
    // but a wrong "gone" must not hide a row forever).
    const later = mergeListing(gone, listing([k], NOW + 5_000));
    expect(later.rows).toHaveLength(1);
    expect(later.gone[k.id]).toBeUndefined();
  });

  it("forgets old gone marks", () => {
    const previous: LiveListing = { ...live([]), gone: { x: iso(NOW - 60 * 60_000) } };
    expect(mergeListing(previous, listing([], NOW)).gone).toEqual({});
  });
});

import { describe, expect, it } from "vitest";
import {
  applyPartsUpdates,
  markGone,
  mergeListing,
  type LiveListing,
} from "@/lib/uploads/live-listing";
import type { UploadListingChanges, UploadRow } from "@/lib/uploads/types";
import { NOW, iso, parts, row } from "@/tests/support/upload-rows";

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
  function changes(
    changed: UploadRow[],
    removed: string[],
    listed: number,
    at = listedAt,
  ): UploadListingChanges {
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

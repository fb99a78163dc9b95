import { describe, expect, it } from "vitest";
import { parseDuration, parseSize } from "@/lib/units";
import { rowId, type UploadRow } from "@/lib/uploads/types";
import {
  filterOf,
  headerState,
  selectedIds,
  toBulkSelection,
  toggleInView,
  toggleRow,
  type Selection,
  type SelectionFilter,
} from "@/components/uploads/selection";

const NOW = Date.parse("2026-11-27T00:00:00.000Z");
const DAY = 86_400_000;

function row(bucket: string, key: string, uploadId: string, ageDays: number, bytes: number | null): UploadRow {
  const ref = { bucket, key, uploadId };
  return {
    ...ref,
    id: rowId(ref),
    initiated: new Date(NOW - ageDays * DAY).toISOString(),
    storageClass: "STANDARD",
    initiator: null,
    partsInfo: bytes === null ? null : { parts: 2, bytes, lastPartAt: null, checkedAt: new Date(NOW).toISOString() },
  };
}

const a = row("logs", "a.gz", "1", 10, 100);
const b = row("logs", "b.gz", "2", 1, 200);
const c = row("reclaim-backups", "db dumps/ü & <x>.sql", "3", 30, null);
const d = row("reclaim-backups", "db dumps/ü & <x>.sql", "4", 40, 400);
const rows = [a, b, c, d];
const order = rows.map((r) => r.id);
const noFilter: SelectionFilter = { bucket: null, q: "", minAge: null, minSize: null };
const ids = (selection: Selection) => [...selectedIds(selection, rows, NOW)].sort();

describe("toggleRow", () => {
  it("toggles one row and moves the anchor", () => {
    const once = toggleRow(new Set(), null, b.id, order, false);
    expect(ids(once)).toEqual([b.id]);
    expect(once.anchor).toBe(b.id);
    expect(ids(toggleRow(new Set([b.id]), b.id, b.id, order, false))).toEqual([]);
  });

  it("shift-click selects the range from the anchor in the current order, either direction", () => {
    expect(ids(toggleRow(new Set([b.id]), b.id, d.id, order, true))).toEqual([b.id, c.id, d.id].sort());
    expect(ids(toggleRow(new Set([d.id]), d.id, a.id, order, true))).toEqual(order.slice().sort());
    // Another sort order, another range.
    const reversed = [...order].reverse();
    expect(ids(toggleRow(new Set([a.id]), a.id, c.id, reversed, true))).toEqual([a.id, b.id, c.id].sort());
  });

  it("shift-click on a selected row clears the range", () => {
    const all = new Set(order);
    expect(ids(toggleRow(all, a.id, c.id, order, true))).toEqual([d.id]);
  });

  it("shift-click without an anchor in view toggles the row only", () => {
    expect(ids(toggleRow(new Set(), null, c.id, order, true))).toEqual([c.id]);
    expect(ids(toggleRow(new Set(), "gone", c.id, order, true))).toEqual([c.id]);
  });
});

describe("selectedIds", () => {
  it("drops rows that left the listing and keeps the rest across refreshes", () => {
    const selection: Selection = { mode: "rows", ids: new Set([a.id, "logs\u0000gone\u00009"]), anchor: null };
    expect([...selectedIds(selection, rows, NOW)]).toEqual([a.id]);
    // A refresh brings new row objects with the same ids.
    const refreshed = rows.map((r) => ({ ...r, partsInfo: null }));
    expect([...selectedIds(selection, refreshed, NOW)]).toEqual([a.id]);
    expect([...selectedIds(selection, [], NOW)]).toEqual([]);
  });

  it("in 'matching' mode, is every row matching the filter, including rows that appear later", () => {
    const filter: SelectionFilter = { ...noFilter, bucket: "reclaim-backups" };
    const selection: Selection = { mode: "matching", filter, anchor: null };
    expect(ids(selection)).toEqual([c.id, d.id].sort());
    const e = row("reclaim-backups", "new", "5", 0, 1);
    expect(selectedIds(selection, [...rows, e], NOW).has(e.id)).toBe(true);
    const older: Selection = { mode: "matching", filter: { ...noFilter, minAge: parseDuration("7d") }, anchor: null };
    expect(ids(older)).toEqual([a.id, c.id, d.id].sort());
    // Unknown sizes do not match a size minimum (as in the table).
    const bigger: Selection = { mode: "matching", filter: { ...noFilter, minSize: parseSize("150") }, anchor: null };
    expect(ids(bigger)).toEqual([b.id, d.id].sort());
  });
});

describe("header checkbox", () => {
  it("is none, some or all of the rows in view", () => {
    expect(headerState(new Set(), order)).toBe("none");
    expect(headerState(new Set([a.id]), order)).toBe("some");
    expect(headerState(new Set(order), order)).toBe("all");
    expect(headerState(new Set(), [])).toBe("none");
  });

  it("selects every row in view, or clears them when all are selected, leaving others alone", () => {
    const inView = [c.id, d.id];
    const added = toggleInView(new Set([a.id, c.id]), inView);
    expect(ids(added)).toEqual([a.id, c.id, d.id].sort());
    const cleared = toggleInView(new Set([a.id, c.id, d.id]), inView);
    expect(ids(cleared)).toEqual([a.id]);
  });
});

describe("toBulkSelection", () => {
  it("sends picked rows as refs, with how many were chosen", () => {
    const selection = toggleInView(new Set(), [a.id, c.id]);
    const sent = toBulkSelection("local", selection, [a, c]);
    expect(sent).toEqual({
      profileId: "local",
      activeWithinMinutes: 15,
      refs: [
        { bucket: "logs", key: "a.gz", uploadId: "1" },
        { bucket: "reclaim-backups", key: "db dumps/ü & <x>.sql", uploadId: "3" },
      ],
      origin: { from: "table", chosen: 2 },
    });
  });

  it("sends 'all matching' as the filter itself (no refs), in the bulk form's terms", () => {
    const view = { bucket: "logs", q: "A.", minAge: parseDuration("7d"), minSize: parseSize("100MiB"), sort: "key" as const, dir: "asc" as const };
    const sent = toBulkSelection("local", { mode: "matching", filter: filterOf(view), anchor: null }, [a]);
    expect(sent).toEqual({
      profileId: "local",
      activeWithinMinutes: 15,
      buckets: ["logs"],
      key: "A.",
      keyMatch: "contains",
      olderThanMs: 7 * DAY,
      largerThanBytes: 100 * 1024 ** 2,
      origin: { from: "table", chosen: 1 },
    });
    expect(sent.refs).toBeUndefined();
  });
});

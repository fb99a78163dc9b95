import { describe, expect, it } from "vitest";
import { recordListing } from "@/lib/uploads/listing-journal";
import { rowId, type PartsInfo, type UploadRow } from "@/lib/uploads/types";

function row(key: string, partsInfo: PartsInfo | null = null): UploadRow {
  const ref = { bucket: "b", key, uploadId: `id-${key}` };
  return { ...ref, id: rowId(ref), initiated: null, storageClass: null, initiator: null, partsInfo };
}

function parts(count: number): PartsInfo {
  return { parts: count, bytes: count * 100, lastPartAt: null, checkedAt: new Date().toISOString() };
}

const keys = (rows: UploadRow[]) => rows.map((r) => r.key);

describe("listing journal", () => {
  it("sends every row without a cursor, then only what changed since the cursor", () => {
    const a = row("a");
    const b = row("b", parts(1));
    const first = recordListing("p1", [a, b]);
    expect(first.full).toBe(true);
    expect(keys(first.rows)).toEqual(["a", "b"]);

    // Nothing changed: nothing sent.
    const same = recordListing("p1", [row("a"), { ...row("b"), partsInfo: b.partsInfo }], first.cursor);
    expect(same.full).toBe(false);
    expect(same.rows).toEqual([]);
    expect(same.removed).toEqual([]);

    // a counted, b gone, c new.
    const counted = row("a", parts(4));
    const next = recordListing("p1", [counted, row("c")], same.cursor);
    expect(next.full).toBe(false);
    expect(keys(next.rows)).toEqual(["a", "c"]);
    expect(next.rows[0]?.partsInfo?.parts).toBe(4);
    expect(next.removed).toEqual([b.id]);

    // An older cursor still gets everything since then, in one answer.
    const fromFirst = recordListing("p1", [counted, row("c")], first.cursor);
    expect(keys(fromFirst.rows)).toEqual(["a", "c"]);
    expect(fromFirst.removed).toEqual([b.id]);
  });

  it("sends every row for a cursor it cannot serve (another process, or ahead of it)", () => {
    const rows = [row("x"), row("y")];
    const { cursor } = recordListing("p2", rows);
    expect(recordListing("p2", rows, { epoch: "another-process", seq: cursor.seq }).full).toBe(true);
    expect(recordListing("p2", rows, { epoch: cursor.epoch, seq: cursor.seq + 1_000 }).full).toBe(true);
    expect(recordListing("p2", rows, cursor).full).toBe(false);
  });

  it("keeps profiles apart", () => {
    const p3 = recordListing("p3", [row("one")]);
    const p4 = recordListing("p4", [row("two")]);
    expect(recordListing("p3", [row("one")], p3.cursor).rows).toEqual([]);
    expect(recordListing("p4", [], p4.cursor).removed).toEqual([row("two").id]);
  });

  it("sends a row again when a read of its parts fails, and when it succeeds after", () => {
    const denied = { code: "access-denied" as const, message: "Access denied" };
    const start = recordListing("p5", [row("r")]);
    const failed = recordListing("p5", [{ ...row("r"), partsError: denied }], start.cursor);
    expect(failed.rows.map((r) => r.partsError?.code)).toEqual(["access-denied"]);
    // The same failure again: nothing new to send.
    expect(recordListing("p5", [{ ...row("r"), partsError: denied }], failed.cursor).rows).toEqual([]);
    const counted = recordListing("p5", [row("r", parts(2))], failed.cursor);
    expect(counted.rows.map((r) => [r.partsInfo?.parts, r.partsError])).toEqual([[2, undefined]]);
  });
});

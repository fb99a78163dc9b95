import "server-only";
import { randomUUID } from "node:crypto";
import type { ReclaimError } from "@/lib/s3/types";
import type { ListingCursor, PartsInfo, UploadListingChanges, UploadRow } from "@/lib/uploads/types";

// The dashboard re-lists every few seconds. Sending 20,000 unchanged rows each time costs the
// server, the wire and the browser alike, so the server remembers, per profile, which rows the
// last listing held and when (a sequence number) each was added or its parts numbers (or the
// error of a failed read) changed.
// A refresh then sends only what changed since the browser's cursor. A cursor from another
// server process, or from before the oldest removal still remembered, gets every row.

/** Removals remembered; a browser further behind than that is sent a full listing. */
const MAX_REMOVALS_KEPT = 50_000;

/** Differs per server process, so a cursor never outlives the memory it points into. */
const EPOCH = randomUUID();

interface Member {
  /** When the row was added or its parts numbers last changed. */
  seq: number;
  /** The parts cache's entry the row was last sent with (entries are replaced, never edited). */
  partsInfo: PartsInfo | null;
  /** The failed read's error the row was last sent with (also replaced, never edited). */
  partsError: ReclaimError | undefined;
  /** The listing that last held the row. */
  listing: number;
}

interface Journal {
  seq: number;
  listings: number;
  members: Map<string, Member>;
  /** In seq order. */
  removals: { id: string; seq: number }[];
  /** Cursors below this predate removals no longer remembered. */
  oldestServable: number;
}

/** The part of the dashboard's refresh answer this journal decides (see UploadListingChanges). */
export type ListingChanges = Pick<UploadListingChanges, "full" | "rows" | "removed" | "cursor">;

const journals = new Map<string, Journal>();

function journalFor(profileId: string): Journal {
  let journal = journals.get(profileId);
  if (!journal) {
    journal = { seq: 0, listings: 0, members: new Map(), removals: [], oldestServable: 0 };
    journals.set(profileId, journal);
  }
  return journal;
}

/**
 * Records a listing of every bucket of a profile (the rows are exactly what is listed now,
 * so a bucket that failed part-way loses the rows it did not reach, as in a full listing)
 * and returns what changed since `since`.
 */
export function recordListing(profileId: string, rows: UploadRow[], since?: ListingCursor): ListingChanges {
  const journal = journalFor(profileId);
  const listing = ++journal.listings;
  for (const row of rows) {
    const member = journal.members.get(row.id);
    if (!member) {
      journal.members.set(row.id, { seq: ++journal.seq, partsInfo: row.partsInfo, partsError: row.partsError, listing });
      continue;
    }
    member.listing = listing;
    if (member.partsInfo !== row.partsInfo || member.partsError !== row.partsError) {
      member.seq = ++journal.seq;
      member.partsInfo = row.partsInfo;
      member.partsError = row.partsError;
    }
  }
  for (const [id, member] of journal.members) {
    if (member.listing === listing) continue;
    journal.members.delete(id);
    journal.removals.push({ id, seq: ++journal.seq });
  }
  if (journal.removals.length > MAX_REMOVALS_KEPT) {
    const forgotten = journal.removals.splice(0, journal.removals.length - MAX_REMOVALS_KEPT / 2);
    journal.oldestServable = forgotten.at(-1)?.seq ?? journal.oldestServable;
  }

  const cursor = { epoch: EPOCH, seq: journal.seq };
  const full = !since || since.epoch !== EPOCH || since.seq < journal.oldestServable || since.seq > journal.seq;
  if (full) return { full, rows, removed: [], cursor };
  return {
    full,
    rows: rows.filter((row) => (journal.members.get(row.id)?.seq ?? Infinity) > since.seq),
    removed: journal.removals.filter((removal) => removal.seq > since.seq).map((removal) => removal.id),
    cursor,
  };
}

// The dashboard's listing as changes: a first answer with every row, then only what changed
// since the browser's cursor, against the real gateway. Applied in order with the browser's
// own merge, the answers must add up to exactly what the raw SDK lists.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Profile } from "@/lib/profiles";
import { mergeListing, type LiveListing } from "@/lib/uploads/filters";
import { rowId, type UploadListingChanges } from "@/lib/uploads/types";
import { rawClient } from "../support/gateway";
import { createBucket, createUpload, rawListUploads, removeBucket, testProfile, uniqueName } from "./helpers";

// Before any app module reads its environment: our own scratch database (aborts write the ledger).
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-it-changes-"));
process.env.RECLAIM_DB_FILE = path.join(scratch, "ledger.sqlite");

type Service = typeof import("@/lib/uploads/service");
let service: Service;
let profile: Profile;
const raw = rawClient("admin");
const bucket = uniqueName("it-changes");
const actor = { id: "it-user", email: "it-admin@reclaim.test" };

/** One refresh as the dashboard does it: send the cursor held, merge the answer. */
async function refresh(held: LiveListing | undefined): Promise<{ answer: UploadListingChanges; live: LiveListing }> {
  const answer = await service.listUploadChanges(profile, held?.cursor ?? undefined);
  return { answer, live: mergeListing(held, answer) };
}

async function rawIds(): Promise<string[]> {
  return (await rawListUploads(raw, bucket)).map(rowId).sort();
}

beforeAll(async () => {
  service = await import("@/lib/uploads/service");
  await createBucket(raw, bucket);
  profile = testProfile(uniqueName("changes"), { buckets: [bucket] });
});

afterAll(async () => {
  await removeBucket(raw, bucket);
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe("listing changes", () => {
  it("sends every row first, then only changes, and adds up to the gateway's listing", async () => {
    const first = await Promise.all([1, 2, 3].map((n) => createUpload(raw, bucket, `k/${n}.bin`, [1024 * n])));

    let { answer, live } = await refresh(undefined);
    expect(answer.full).toBe(true);
    expect(live.rows.map((r) => r.id).sort()).toEqual(await rawIds());

    // Until every row's parts are counted, answers carry the counted rows; then nothing.
    for (let i = 0; i < 50 && answer.rows.length + live.partsPending > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      ({ answer, live } = await refresh(live));
      expect(answer.full).toBe(false);
    }
    expect(answer.rows).toEqual([]);
    expect(answer.removed).toEqual([]);
    expect(live.rows.map((r) => r.partsInfo?.bytes).sort()).toEqual([1024, 2048, 3072]);

    // A new upload arrives as one added row (once the short re-use of the last listing ends).
    const added = await createUpload(raw, bucket, "k/added.bin", [512]);
    const addedId = rowId(added);
    for (let i = 0; i < 100 && !live.rows.some((r) => r.id === addedId); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      ({ answer, live } = await refresh(live));
      expect(answer.full).toBe(false);
      expect(answer.rows.every((r) => r.id === addedId)).toBe(true);
    }
    expect(live.rows.map((r) => r.id).sort()).toEqual(await rawIds());

    // An abort through the service: the next answer says the upload left, without a full listing.
    const aborted = first[0]!;
    const result = await service.abortUpload(profile, aborted, actor);
    expect(result.outcome).toBe("reclaimed");
    ({ answer, live } = await refresh(live));
    expect(answer.full).toBe(false);
    expect(answer.removed).toEqual([rowId(aborted)]);
    expect(live.rows.map((r) => r.id).sort()).toEqual(await rawIds());
    expect(live.cursor).not.toBeNull();
  });

  it("answers a cursor it cannot serve (another server process) with every row", async () => {
    const { answer } = await refresh(undefined);
    const stale = await service.listUploadChanges(profile, { epoch: "before-a-restart", seq: answer.cursor.seq });
    expect(stale.full).toBe(true);
    expect(stale.rows.map((r) => r.id).sort()).toEqual(await rawIds());
  });
});

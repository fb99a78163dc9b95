// The dashboard's listing as changes: a first answer with every row, then only what changed
// since the browser's cursor, against the real gateway. Applied in order with the browser's
// own merge, the answers must add up to exactly what the raw SDK lists.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Profile } from "@/lib/profiles";
import { mergeListing, type LiveListing } from "@/lib/uploads/live-listing";
import { rowId, type UploadListingChanges } from "@/lib/uploads/types";
import { scratchAppDatabase } from "../support/database";
import { startFaultProxy } from "../support/fault-proxy";
import { rawClient } from "../support/gateway";
import { createBucket, createUpload, removeBucket, testProfile, uniqueName } from "./helpers";
import { listUploads } from "../support/sdk";

// Before any app module reads its environment: our own scratch database (aborts write the ledger).
const database = await scratchAppDatabase("changes");
// The journal is under test here, not the re-read schedule: listings are re-read after half a
// second, and no background re-read changes a row while a test waits for one that it made.
process.env.RECLAIM_RELIST_MS = "500";
process.env.RECLAIM_REREAD_LIVE_MS = String(30 * 86_400_000);

type Service = typeof import("@/lib/uploads/service");
let service: Service;
let profile: Profile;
const raw = rawClient("admin");
const bucket = uniqueName("it-changes");
const actor = { id: "it-user", email: "it-admin@reclaim.test" };

/** One refresh as the dashboard does it: send the cursor held, merge the answer. */
async function refresh(
  held: LiveListing | undefined,
): Promise<{ answer: UploadListingChanges; live: LiveListing }> {
  const answer = await service.listUploadChanges(profile, held?.cursor ?? undefined);
  return { answer, live: mergeListing(held, answer) };
}

async function rawIds(): Promise<string[]> {
  return (await listUploads(raw, bucket)).map(rowId).sort();
}

beforeAll(async () => {
  service = await import("@/lib/uploads/service");
  await createBucket(raw, bucket);
  profile = testProfile(uniqueName("changes"), { buckets: [bucket] });
});

afterAll(async () => {
  await removeBucket(raw, bucket);
  await database.drop();
});

describe("listing changes", () => {
  it("sends every row first, then only changes, and adds up to the gateway's listing", async () => {
    const first = await Promise.all(
      [1, 2, 3].map((n) => createUpload(raw, bucket, `k/${n}.bin`, [1024 * n])),
    );

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

  it("does not re-use a listing that was running while an upload was aborted", async () => {
    const proxy = await startFaultProxy(profile.endpoint);
    try {
      // Own profile id: a cold parts cache, so the listing waits on its parts scan.
      const viaProxy = testProfile(uniqueName("changes-race"), {
        endpoint: proxy.url,
        buckets: [bucket],
      });
      const [aborted, held] = await Promise.all([
        createUpload(raw, bucket, "race/aborted.bin", [256]),
        createUpload(raw, bucket, "race/held.bin", [256]),
      ]);
      // Hold the scan's ListParts of one upload, so the listing is still running after the abort.
      proxy.addFault({
        match: (r) => r.kind === "ListParts" && r.query.get("uploadId") === held.uploadId,
        action: { type: "delay", ms: 3_000 },
        times: 1,
      });
      const running = service.listUploadChanges(viaProxy);
      for (let i = 0; i < 500 && proxy.count("ListParts") === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(proxy.count("ListParts")).toBeGreaterThan(0); // listed, and now counting parts
      expect((await service.abortUpload(viaProxy, aborted, actor)).outcome).toBe("reclaimed");

      // The running listing was read before the abort: it still holds the upload.
      expect((await running).rows.map((r) => r.id)).toContain(rowId(aborted));
      // The next one is a fresh listing, not that one re-used.
      const next = await service.listUploadChanges(viaProxy);
      expect(next.rows.map((r) => r.id).sort()).toEqual(await rawIds());
      expect(next.rows.map((r) => r.id)).not.toContain(rowId(aborted));
    } finally {
      await proxy.close();
    }
  });

  it("answers a cursor it cannot serve (another server process) with every row", async () => {
    const { answer } = await refresh(undefined);
    const stale = await service.listUploadChanges(profile, {
      epoch: "before-a-restart",
      seq: answer.cursor.seq,
    });
    expect(stale.full).toBe(true);
    expect(stale.rows.map((r) => r.id).sort()).toEqual(await rawIds());
  });
});

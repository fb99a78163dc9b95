// The restricted key: may list uploads and parts in reclaim-logs (bucket policy) but not
// abort there; gets AccessDenied on reclaim-media. A denial is shown as such, never as
// "0 uploads", and a denied abort leaves the upload untouched.
import { describe, expect, it } from "vitest";
import { BucketNotInProfileError, getProfile } from "@/lib/profiles";
import { startPreview } from "@/lib/jobs/preview";
import { setAbortRule } from "@/lib/s3/lifecycle";
import { abortUpload, listUploads, refreshParts, verifyUploads } from "@/lib/uploads/service";
import { abortAndVerify } from "@/lib/s3/abort";
import { collectInventory, listBuckets } from "@/lib/s3/inventory";
import { rawClient, readManifest } from "../support/gateway";
import { rawListParts, testProfile } from "./helpers";

function restricted() {
  return getProfile("local-restricted");
}

describe("restricted profile", () => {
  it("inventories the profile's buckets: reclaim-media denied, reclaim-logs still listed", async () => {
    const manifest = readManifest();
    expect((await listBuckets(restricted())).map((b) => b.name)).toEqual(["reclaim-logs", "reclaim-media"]);
    const inventory = await collectInventory(restricted());
    const logs = inventory.buckets.find((b) => b.bucket === "reclaim-logs");
    const media = inventory.buckets.find((b) => b.bucket === "reclaim-media");
    expect(logs).toEqual({
      bucket: "reclaim-logs",
      uploads: manifest.buckets["reclaim-logs"]?.uploads,
      parts: manifest.buckets["reclaim-logs"]?.parts,
      bytes: manifest.buckets["reclaim-logs"]?.bytes,
      complete: true,
    });
    expect(media).toMatchObject({ uploads: 0, complete: false, error: { code: "access-denied", s3Code: "AccessDenied", httpStatus: 403 } });
    expect(media?.error?.message).toBe(
      "Access denied (AccessDenied) listing uploads in `reclaim-media` — the profile's key lacks s3:ListBucketMultipartUploads.",
    );
    expect(inventory.totals).toMatchObject({ complete: false, failedBuckets: 1, uploads: manifest.buckets["reclaim-logs"]?.uploads });
    expect(inventory.uploads.every((u) => u.bucket === "reclaim-logs")).toBe(true);
  });

  it("answers denied for an abort in reclaim-logs and the upload stays, parts intact", async () => {
    const manifest = readManifest();
    const target = manifest.uploads.find((u) => u.bucket === "reclaim-logs" && u.parts > 0);
    if (!target) throw new Error("the seed has no reclaim-logs upload with parts");
    const result = await abortAndVerify(restricted(), target);
    expect(result).toMatchObject({ outcome: "denied", attempts: 1, partsBefore: target.parts, bytesBefore: target.bytes });
    expect(result).not.toHaveProperty("ageOffset"); // only the ref's own fields come back
    expect(result.error).toMatchObject({ code: "access-denied", s3Code: "AccessDenied", bucket: "reclaim-logs", key: target.key });
    expect(result.error?.message).toContain("s3:AbortMultipartUpload");
    expect(await rawListParts(rawClient("admin"), target)).toEqual({ parts: target.parts });
  });

  it("answers denied (without aborting) where even ListParts is refused", async () => {
    const manifest = readManifest();
    const target = manifest.uploads.find((u) => u.bucket === "reclaim-media" && u.parts > 0 && u.parts < 1000);
    if (!target) throw new Error("the seed has no reclaim-media upload with parts");
    const result = await abortAndVerify(restricted(), target);
    expect(result).toMatchObject({ outcome: "denied", attempts: 0 });
    expect(await rawListParts(rawClient("admin"), target)).toEqual({ parts: target.parts });
  });
});

describe("a profile's bucket list, with a key that reaches every bucket", () => {
  // The admin key, but the profile names one bucket: every entry point that takes a bucket
  // refuses the others before sending anything.
  const scoped = testProfile("it-scoped", { buckets: ["reclaim-backups"] });

  it("refuses other buckets at every lib entry point, and the upload stays untouched", async () => {
    const manifest = readManifest();
    const target = manifest.uploads.find((u) => u.bucket === "reclaim-logs" && u.parts > 0);
    if (!target) throw new Error("the seed has no reclaim-logs upload with parts");
    const ref = { bucket: target.bucket, key: target.key, uploadId: target.uploadId };
    const refused = [
      () => refreshParts(scoped, [ref]),
      () => verifyUploads(scoped, [ref]),
      () => abortUpload(scoped, ref, { id: "it", email: "it@reclaim.test" }),
      () => listUploads(scoped, { buckets: ["reclaim-logs"] }),
      () => setAbortRule(scoped, "reclaim-logs", { days: 1, prefix: "" }),
      async () => startPreview(scoped, { profileId: scoped.id, refs: [ref], activeWithinMinutes: 0 }, "it"),
    ];
    for (const call of refused) {
      await expect(call()).rejects.toThrow(BucketNotInProfileError);
    }
    await expect(refreshParts(scoped, [ref])).rejects.toThrow(/Bucket `reclaim-logs` is not one of the buckets of profile "it-scoped"/);
    expect(await rawListParts(rawClient("admin"), target)).toEqual({ parts: target.parts });
    // Its own bucket works as usual.
    const listing = await listUploads(scoped, { buckets: ["reclaim-backups"] });
    expect(listing.rows.length).toBe(manifest.buckets["reclaim-backups"]?.uploads);
  });
});

import { describe, expect, it } from "vitest";
import type { AbortResult, UploadRow } from "@/lib/uploads/types";
import {
  DENIED_MESSAGE,
  VERIFY_GIVE_UP_MS,
  abortingState,
  announcement,
  failedState,
  phaseLabel,
  resolveVerification,
  stateFromResult,
} from "@/components/uploads/abort-state";

const row: UploadRow = {
  bucket: "reclaim-media",
  key: "videos/clip.mov",
  uploadId: "2~abc",
  id: "reclaim-media\u0000videos/clip.mov\u00002~abc",
  initiated: "2026-11-20T00:00:00.000Z",
  storageClass: "STANDARD",
  initiator: "admin",
  partsInfo: {
    parts: 3,
    bytes: 12_897_484,
    lastPartAt: null,
    checkedAt: "2026-11-27T00:00:00.000Z",
  },
};

function result(outcome: AbortResult["outcome"], extra: Partial<AbortResult> = {}): AbortResult {
  return {
    bucket: row.bucket,
    key: row.key,
    uploadId: row.uploadId,
    outcome,
    attempts: 1,
    partsBefore: 3,
    bytesBefore: 12_897_484,
    partsRemaining: 0,
    startedAt: "",
    finishedAt: "",
    durationMs: 5,
    ...extra,
  };
}

describe("abort states", () => {
  const aborting = abortingState(row, 1_000);

  it("starts optimistic with the row's numbers", () => {
    expect(aborting).toMatchObject({
      phase: "aborting",
      bytes: 12_897_484,
      parts: 3,
      since: 1_000,
    });
    expect(phaseLabel(aborting)).toBe("Aborting…");
  });

  it("maps each server outcome to what the row says", () => {
    expect(phaseLabel(stateFromResult(aborting, result("reclaimed"), 2_000))).toBe("Verifying…");
    expect(phaseLabel(stateFromResult(aborting, result("already-gone"), 2_000))).toBe(
      "Already gone",
    );
    const stuck = stateFromResult(aborting, result("verify-failed", { partsRemaining: 1 }), 2_000);
    expect(stuck).toMatchObject({ phase: "still-present", partsRemaining: 1 });
    expect(phaseLabel(stuck)).toBe("Parts still present");
    const denied = stateFromResult(
      aborting,
      result("denied", { error: { code: "access-denied", message: "Access denied aborting" } }),
      2_000,
    );
    expect(phaseLabel(denied)).toBe(DENIED_MESSAGE);
    expect(announcement(denied)).toContain("Access denied aborting");
    const failed = stateFromResult(
      aborting,
      result("failed", { error: { code: "timeout", message: "The endpoint did not answer" } }),
      2_000,
    );
    expect(phaseLabel(failed)).toBe("Failed: The endpoint did not answer");
  });

  it("turns verifying into reclaimed when the poll sees it gone, with the bytes freed", () => {
    const verifying = stateFromResult(aborting, result("reclaimed"), 2_000);
    const gone = { id: row.id, gone: true, partsRemaining: 0, bytesRemaining: 0, checkedAt: "" };
    const reclaimed = resolveVerification(verifying, gone, 2_500);
    expect(reclaimed).toMatchObject({ phase: "reclaimed", since: 2_500 });
    expect(phaseLabel(reclaimed)).toBe("Reclaimed 12.3 MiB");
    expect(announcement(reclaimed)).toContain("ListParts confirms");
  });

  it("ignores polls older than the phase and gives up after a while", () => {
    const verifying = stateFromResult(aborting, result("reclaimed"), 2_000);
    const present = {
      id: row.id,
      gone: false,
      partsRemaining: 2,
      bytesRemaining: 10,
      checkedAt: "",
    };
    expect(resolveVerification(verifying, { ...present, gone: true }, 1_500)).toBe(verifying);
    expect(resolveVerification(verifying, present, 3_000)).toMatchObject({
      phase: "verifying",
      partsRemaining: 2,
    });
    expect(resolveVerification(verifying, present, 2_000 + VERIFY_GIVE_UP_MS)).toMatchObject({
      phase: "still-present",
      partsRemaining: 2,
    });
  });

  it("announces plain sentences: no backticks, one final period, the upload named once", () => {
    const message =
      "Access denied (AccessDenied) aborting the upload of `videos/clip.mov` in `reclaim-media` — the profile's key lacks s3:AbortMultipartUpload.";
    const denied = stateFromResult(
      aborting,
      result("denied", { error: { code: "access-denied", message } }),
      2_000,
    );
    expect(announcement(denied)).toBe(
      "Access denied (AccessDenied) aborting the upload of videos/clip.mov in reclaim-media — the profile's key lacks s3:AbortMultipartUpload.",
    );
    const vague = stateFromResult(
      aborting,
      result("denied", { error: { code: "access-denied", message: "Access denied" } }),
      2_000,
    );
    expect(announcement(vague)).toBe("reclaim-media/videos/clip.mov: Access denied.");
    const failed = stateFromResult(
      aborting,
      result("failed", { error: { code: "timeout", message: "Timed out." } }),
      2_000,
    );
    expect(announcement(failed)).toBe("Aborting reclaim-media/videos/clip.mov failed: Timed out.");
  });

  it("a request that failed says why", () => {
    expect(
      phaseLabel(failedState(aborting, row, "Your session has ended. Sign in again.", 3_000)),
    ).toBe("Failed: Your session has ended. Sign in again.");
  });
});

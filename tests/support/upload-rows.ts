// Upload rows for the unit tests of the uploads view, summary and live listing: ages and
// parts times relative to a fixed NOW.
import { defaultView, type UploadView } from "@/lib/uploads/view";
import { rowId, type PartsInfo, type UploadRow } from "@/lib/uploads/types";

export const NOW = Date.parse("2026-11-27T12:00:00.000Z");
export const DAY = 86_400_000;
export const MiB = 1024 * 1024;
export const iso = (ms: number) => new Date(ms).toISOString();

export function row(
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

export function parts(
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

export const view = (patch: Partial<UploadView>): UploadView => ({ ...defaultView, ...patch });

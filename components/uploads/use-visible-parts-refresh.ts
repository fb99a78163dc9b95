"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { uploadPartsQuery } from "@/components/uploads/queries";
import type { UploadRow } from "@/lib/uploads/types";
import { useDebouncedValue } from "@/components/uploads/use-debounced-value";

/**
 * Tells the server which rows are in view on every refresh cycle: one batched action for the
 * visible rows, once scrolling has settled (actions run one at a time, so no burst per
 * scroll step). The server re-reads the parts of those due (a live upload's every few
 * seconds, an idle one's rarely); the answers are merged into the listing by the query.
 */
export function useVisiblePartsRefresh(
  profileId: string,
  visible: readonly UploadRow[],
  refreshMs: number,
): void {
  const ids = useMemo(() => visible.map((row) => row.id).join("\n"), [visible]);
  const settledIds = useDebouncedValue(ids, 400);
  const refs = useMemo(() => {
    const wanted = new Set(settledIds ? settledIds.split("\n") : []);
    return visible.filter((row) => wanted.has(row.id));
    // Only a settled change of the visible set starts a new query.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settledIds]);
  useQuery(uploadPartsQuery(profileId, refs, refreshMs));
}

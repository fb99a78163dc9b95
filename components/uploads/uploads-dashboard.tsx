"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useMemo, useState } from "react";
import { uploadListQuery } from "@/components/uploads/queries";
import { monthlyCostOfRows, type StoragePrice } from "@/lib/money";
import { cn } from "@/lib/utils";
import { applyView } from "@/lib/uploads/filter-sort";
import { summarize } from "@/lib/uploads/summary";
import { defaultView, reconcileBucket, toggleSort, type SortColumn } from "@/lib/uploads/view";
import type { UploadRow } from "@/lib/uploads/types";
import { announcement, isBusy, isDone, type AbortPhase } from "@/components/uploads/abort-state";
import { AbortDialog } from "@/components/uploads/abort-dialog";
import { domRowId } from "@/components/uploads/columns";
import { BucketProblems } from "@/components/uploads/bucket-problems";
import { bulkParams, filterOf } from "@/components/uploads/selection";
import { SelectionBar } from "@/components/uploads/selection-bar";
import { UploadsEmpty } from "@/components/uploads/uploads-empty";
import { UploadsError } from "@/components/uploads/uploads-error";
import { UploadsSkeleton } from "@/components/uploads/uploads-skeleton";
import { UploadsSummary } from "@/components/uploads/uploads-summary";
import { UploadsTable } from "@/components/uploads/uploads-table";
import { UploadsToolbar } from "@/components/uploads/uploads-toolbar";
import { useSelection } from "@/components/uploads/use-selection";
import { useUploadAborts } from "@/components/uploads/use-upload-aborts";
import { useUploadView } from "@/components/uploads/use-upload-view";
import { ViewNotes } from "@/components/uploads/view-notes";

/** After confirming, keyboard focus follows the row's live status instead of falling to the page. */
function focusRowStatus(row: UploadRow, framesLeft = 10): void {
  requestAnimationFrame(() => {
    const status = document.querySelector<HTMLElement>(
      `[data-row-id="${domRowId(row)}"] [data-abort-status]`,
    );
    if (status) status.focus({ preventScroll: true });
    else if (framesLeft > 0) focusRowStatus(row, framesLeft - 1);
  });
}

function toneOf(phase: AbortPhase): string {
  if (phase === "reclaimed") return "text-success";
  if (phase === "failed" || phase === "denied") return "text-destructive";
  if (phase === "still-present") return "text-warning";
  return "text-muted-foreground";
}

/**
 * The uploads dashboard: live listing (re-listed every `refreshMs` while the tab is visible),
 * summary, URL-driven filters and sort, the virtualized table, and per-row abort for admins.
 */
export function UploadsDashboard({
  profileId,
  storagePrice,
  canAbort,
  refreshMs,
}: {
  profileId: string;
  storagePrice: StoragePrice;
  canAbort: boolean;
  refreshMs: number;
}) {
  const { view: urlView, notes: urlNotes, setView, setParams } = useUploadView();
  const list = useQuery(uploadListQuery(profileId, refreshMs));
  const verifyMs = Math.max(500, Math.min(1000, Math.round(refreshMs / 3)));
  const aborts = useUploadAborts(profileId, verifyMs);
  // Each opening gets a new dialog element (key = nonce): a native "close" event still queued
  // from the previous one (Escape, then Enter at once) cannot close the new one.
  const [confirm, setConfirm] = useState<{ row: UploadRow | null; nonce: number }>({
    row: null,
    nonce: 0,
  });
  const closeConfirm = useCallback(
    () => setConfirm((c) => (c.row === null ? c : { ...c, row: null })),
    [],
  );
  const [filtersKey, setFiltersKey] = useState(0);

  const listing = list.data;
  const bucketNames = useMemo(
    () => listing?.buckets.map((b) => b.bucket) ?? [],
    [listing?.buckets],
  );
  const { view, note: bucketNote } = useMemo(
    () => (listing ? reconcileBucket(urlView, bucketNames) : { view: urlView, note: null }),
    [listing, urlView, bucketNames],
  );
  const notes = useMemo(
    () => (bucketNote ? [...urlNotes, bucketNote] : urlNotes),
    [urlNotes, bucketNote],
  );

  // Listed rows, minus those that left after an abort, plus rows still showing their abort
  // (aborting, verifying, reclaimed) after the listing dropped them.
  const allRows = useMemo(() => {
    if (!listing) return [];
    const states = aborts.states;
    const rows = listing.rows.filter((row) => !states.get(row.id)?.hidden);
    const listed = new Set(listing.rows.map((row) => row.id));
    for (const [id, state] of states) {
      if (!listed.has(id) && !state.hidden && (isBusy(state.phase) || isDone(state.phase)))
        rows.push(state.row);
    }
    return rows;
  }, [listing, aborts.states]);

  const listedAtMs = listing ? Date.parse(listing.listedAt) : 0;
  const rowsInView = useMemo(
    () => applyView(allRows, view, listedAtMs),
    [allRows, view, listedAtMs],
  );
  const filter = useMemo(() => filterOf(view), [view]);
  const selection = useSelection({ profileId, allRows, rowsInView, filter, listedAtMs });
  const summary = useMemo(
    () => summarize(allRows, rowsInView, listing?.buckets ?? []),
    [allRows, rowsInView, listing?.buckets],
  );

  const monthlyCost = useMemo(
    () => ({
      inView: monthlyCostOfRows(rowsInView, storagePrice),
      total: monthlyCostOfRows(allRows, storagePrice),
    }),
    [rowsInView, allRows, storagePrice],
  );

  const onSort = useCallback(
    (column: SortColumn) => setView(toggleSort(view, column)),
    [setView, view],
  );
  const clearFilters = useCallback(() => {
    setView({ ...defaultView, sort: view.sort, dir: view.dir });
    setFiltersKey((k) => k + 1);
  }, [setView, view.sort, view.dir]);
  const selectBucket = useCallback((bucket: string | null) => setParams({ bucket }), [setParams]);
  const askAbort = useCallback(
    (row: UploadRow) => setConfirm((c) => ({ row, nonce: c.nonce + 1 })),
    [],
  );

  // The dialog shows the row's latest numbers while open (its snapshot if it left meanwhile).
  const confirming = useMemo(() => {
    const asked = confirm.row;
    return asked ? (allRows.find((row) => row.id === asked.id) ?? asked) : null;
  }, [confirm.row, allRows]);

  const fieldNotes = new Set(["minAge", "minSize"]);
  const pageNotes = notes.filter((n) => !fieldNotes.has(n.param));
  const unlisted = listing?.buckets.filter((b) => b.error).length ?? 0;

  return (
    <div className="flex flex-col gap-4">
      {list.isPending ? (
        <UploadsSkeleton />
      ) : !listing ? (
        <UploadsError
          message={list.error?.message ?? "The listing did not arrive."}
          onRetry={() => void list.refetch()}
          retrying={list.isFetching}
        />
      ) : (
        <>
          <UploadsSummary
            profileId={profileId}
            summary={summary}
            storagePrice={storagePrice}
            monthlyCost={monthlyCost}
            listedRows={listing.rows}
            listedAt={listing.listedAt}
            refreshing={list.isFetching}
            selectedBucket={view.bucket}
            onSelectBucket={selectBucket}
          >
            <p
              role="status"
              aria-live="polite"
              aria-label="Abort results"
              className={
                aborts.latest
                  ? cn("border-border border-t pt-2 text-sm", toneOf(aborts.latest.phase))
                  : "sr-only"
              }
            >
              {aborts.latest ? announcement(aborts.latest) : ""}
            </p>
          </UploadsSummary>
          {list.isError ? (
            <UploadsError
              compact
              message={list.error.message}
              onRetry={() => void list.refetch()}
              retrying={list.isFetching}
            />
          ) : null}
          <BucketProblems buckets={listing.buckets} />
          <UploadsToolbar
            key={filtersKey}
            view={view}
            notes={notes}
            buckets={bucketNames}
            onParams={setParams}
            onClear={clearFilters}
            actions={
              canAbort ? (
                <Link
                  // The bulk cleanup page takes the same filter parameters.
                  href={`/bulk?${bulkParams(profileId, filter).toString()}`}
                  className="border-border bg-card hover:bg-muted inline-flex h-9 items-center rounded-md border px-3 text-sm font-medium"
                >
                  Bulk cleanup…
                </Link>
              ) : null
            }
          />
          <ViewNotes notes={pageNotes} />
          {selection.selected.size > 0 || selection.selection.mode === "matching" ? (
            <SelectionBar profileId={profileId} selection={selection} inView={rowsInView.length} />
          ) : null}
        </>
      )}

      {listing ? (
        rowsInView.length === 0 ? (
          <UploadsEmpty
            reason={allRows.length > 0 ? "filtered" : unlisted > 0 ? "unlisted" : "none"}
            unlistedBuckets={unlisted}
            onClearFilters={clearFilters}
          />
        ) : (
          <UploadsTable
            rows={rowsInView}
            view={view}
            onSort={onSort}
            states={aborts.states}
            canAbort={canAbort}
            onAbort={askAbort}
            profileId={profileId}
            refreshMs={refreshMs}
            selection={selection}
          />
        )
      ) : null}

      {canAbort ? (
        <AbortDialog
          key={confirm.nonce}
          row={confirming}
          onCancel={closeConfirm}
          onConfirm={(row) => {
            closeConfirm();
            aborts.abort(row);
            focusRowStatus(row);
          }}
        />
      ) : null}
    </div>
  );
}

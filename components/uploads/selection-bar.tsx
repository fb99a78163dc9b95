"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { previewBulk } from "@/app/actions/bulk";
import { bulkKeys } from "@/components/bulk/queries";
import { Button } from "@/components/ui/button";
import { unwrap } from "@/lib/action-result";
import { formatBytes, formatBytesExact, formatCount, plural } from "@/lib/format";
import { describeSelection } from "@/lib/jobs/filter-params";
import { totalsOf } from "@/lib/uploads/summary";
import { MAX_REFS, bulkParams, toBulkSelection } from "@/components/uploads/selection";
import type { TableSelection } from "@/components/uploads/use-selection";

/**
 * Shown while anything is selected: how many, their parts and bytes as the table shows them,
 * and Review — a dry run on the server (refs, or the filter for "all matching") that opens
 * /bulk on it, where the typed-count confirmation and the job follow.
 */
export function SelectionBar({
  profileId,
  selection,
  inView,
}: {
  profileId: string;
  selection: TableSelection;
  /** Rows the current filter shows. */
  inView: number;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { selection: chosen, selectedRows, hidden, matchingCurrent } = selection;
  const review = useMutation({
    mutationFn: async () =>
      unwrap(await previewBulk(toBulkSelection(profileId, chosen, selectedRows))),
    onSuccess: (state) => {
      queryClient.setQueryData(bulkKeys.preview(state.previewId), state);
      const params =
        chosen.mode === "matching"
          ? bulkParams(profileId, chosen.filter)
          : new URLSearchParams({ profile: profileId });
      params.set("preview", state.previewId);
      router.push(`/bulk?${params.toString()}`);
    },
  });

  const totals = totalsOf(selectedRows);
  const unknown = totals.counting + totals.unreadable;
  const tooMany = chosen.mode === "rows" && selectedRows.length > MAX_REFS;

  return (
    <section
      aria-label="Selection"
      className="border-primary/30 bg-primary/5 flex flex-col gap-2 rounded-lg border px-3 py-2 text-sm sm:flex-row sm:flex-wrap sm:items-center sm:justify-between"
    >
      <p aria-live="polite" className="tabular-nums" data-testid="selection-summary">
        {chosen.mode === "matching" ? (
          <>
            All <span className="font-semibold">{formatCount(selectedRows.length)}</span> matching{" "}
            {matchingCurrent
              ? "the current filter"
              : `an earlier filter (${describeSelection(toBulkSelection(profileId, chosen, []), { activity: false }).join(", ")})`}
          </>
        ) : (
          <>
            <span className="font-semibold">{formatCount(selectedRows.length)}</span> selected
          </>
        )}
        {" · "}
        {plural(totals.parts, "part")} ·{" "}
        <span title={formatBytesExact(totals.bytes)}>{formatBytes(totals.bytes)}</span>
        {unknown > 0 ? (
          <span className="text-warning">
            {" "}
            · size unknown for {formatCount(unknown)} (
            {totals.counting > 0 ? "still counting" : "parts unreadable"})
          </span>
        ) : null}
        {hidden > 0 ? (
          <span className="text-muted-foreground"> · {formatCount(hidden)} not in view</span>
        ) : null}
      </p>

      <div className="flex flex-wrap items-center gap-2">
        {chosen.mode === "rows" && inView > 0 ? (
          <Button variant="ghost" size="sm" onClick={selection.selectAllMatching}>
            Select all {formatCount(inView)} matching the current filter
          </Button>
        ) : null}
        <Button variant="outline" size="sm" onClick={selection.clear}>
          Clear
        </Button>
        <Button
          size="sm"
          disabled={review.isPending || tooMany || selectedRows.length === 0}
          onClick={() => review.mutate()}
        >
          {review.isPending ? "Preparing dry run…" : "Review bulk abort…"}
        </Button>
      </div>

      {tooMany ? (
        <p className="text-muted-foreground w-full text-xs">
          Up to {formatCount(MAX_REFS)} uploads can be sent one by one. Select all matching the
          current filter instead: the server resolves the filter itself.
        </p>
      ) : null}
      {review.error ? (
        <p role="alert" className="text-destructive w-full text-xs">
          {review.error.message}
        </p>
      ) : null}
    </section>
  );
}

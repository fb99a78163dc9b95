"use client";

import { useId, type ReactNode } from "react";
import { BucketTotalsTable } from "@/components/bulk/bucket-totals-table";
import { ChosenUploadsNote } from "@/components/bulk/chosen-uploads-note";
import { Stat } from "@/components/bulk/stat";
import { UploadList } from "@/components/bulk/upload-list";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { formatAge, formatBytes, formatBytesExact, formatCount, formatDateTime, plural } from "@/lib/format";
import { describeSelection } from "@/lib/jobs/filter-params";
import type { BulkPreview, PreviewState } from "@/lib/jobs/types";

/** What the chosen selection covers: the default, or with the active uploads included. */
export function chosenSummary(preview: BulkPreview, includeActive: boolean) {
  return includeActive ? preview.withActive : preview.eligible;
}

function Resolving({ state }: { state: Extract<PreviewState, { status: "resolving" }> }) {
  const counting = state.phase === "counting" && state.toCheck > 0;
  return (
    <Card className="flex flex-col gap-3 p-5" aria-busy="true">
      <h2 className="text-base font-semibold">Dry run</h2>
      <p role="status" className="text-sm text-muted-foreground">
        {counting
          ? `Counting parts with ListParts: ${formatCount(state.checked)} of ${formatCount(state.toCheck)} uploads…`
          : "Listing incomplete uploads…"}
      </p>
      <div className="h-1.5 overflow-hidden rounded-full bg-muted" aria-hidden>
        <div
          className="h-full rounded-full bg-primary/60 transition-[width]"
          style={{ width: counting ? `${Math.max(4, Math.round((100 * state.checked) / state.toCheck))}%` : "15%" }}
        />
      </div>
    </Card>
  );
}

export function PreviewCard({
  state,
  includeActive,
  onIncludeActiveChange,
  canAbort,
  onAbort,
  readOnly,
}: {
  state: PreviewState;
  includeActive: boolean;
  onIncludeActiveChange: (include: boolean) => void;
  canAbort: boolean;
  onAbort: () => void;
  /** Shown as a report (a policy's): its own title and footer, no choice to include active uploads, no abort. */
  readOnly?: { title: string; footer: ReactNode };
}) {
  const headingId = useId();
  if (state.status === "resolving") return <Resolving state={state} />;
  if (state.status === "error") {
    return (
      <Card role="alert" className="border-destructive/40 p-5">
        <h2 className="font-semibold text-destructive">The dry run failed</h2>
        <p className="mt-1 text-sm text-muted-foreground">{state.error.message}</p>
      </Card>
    );
  }

  const preview = state.preview;
  const chosen = chosenSummary(preview, includeActive);
  const { totals } = chosen;
  const now = Date.parse(preview.resolvedAt);
  const activeCount = preview.active.totals.count;

  return (
    <Card aria-labelledby={headingId} className="flex flex-col gap-4 p-4 sm:p-5" data-testid="dry-run">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 id={headingId} className="text-base font-semibold">
          {readOnly?.title ?? "Dry run"}
        </h2>
        <p className="text-xs text-muted-foreground">
          Listed {formatDateTime(preview.resolvedAt, { seconds: true })} · {plural(preview.listed, "upload")} in the listing
        </p>
      </div>
      <ul aria-label="Selection" className="flex flex-wrap gap-1.5">
        {describeSelection(preview.selection).map((part) => (
          <li key={part} className="rounded-full bg-muted px-2.5 py-0.5 font-mono text-xs text-muted-foreground">
            {part}
          </li>
        ))}
      </ul>

      <ChosenUploadsNote preview={preview} />

      <p role="status" className="sr-only">
        Dry run ready: {plural(totals.count, "upload")}, {formatBytes(totals.bytes)} would be aborted.
      </p>

      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-3 xl:grid-cols-5" aria-label="Dry run totals">
        <Stat label="Uploads" className="col-span-2 sm:col-span-1" value={<span data-testid="dry-run-count">{formatCount(totals.count)}</span>} />
        <Stat
          label="Parts"
          value={<span data-testid="dry-run-parts">{formatCount(totals.parts)}</span>}
          detail={totals.partsUnknown > 0 ? `+ ${plural(totals.partsUnknown, "upload")} not readable` : undefined}
        />
        <Stat
          label="Size"
          value={formatBytes(totals.bytes)}
          title={formatBytesExact(totals.bytes)}
          detail={<span data-testid="dry-run-bytes">{formatBytesExact(totals.bytes)}</span>}
        />
        <Stat label="Oldest" value={formatAge(totals.oldestInitiated, now)} detail={formatDateTime(totals.oldestInitiated)} />
        <Stat label="Newest" value={formatAge(totals.newestInitiated, now)} detail={formatDateTime(totals.newestInitiated)} />
      </dl>

      {preview.bucketErrors.length > 0 ? (
        <div role="alert" className="rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm">
          <p className="font-medium text-destructive">
            {plural(preview.bucketErrors.length, "bucket")} could not be listed; {preview.bucketErrors.length === 1 ? "its" : "their"} uploads are not in these numbers:
          </p>
          <ul className="mt-1 list-disc pl-5 text-muted-foreground">
            {preview.bucketErrors.map((e) => (
              <li key={`${e.bucket ?? ""}${e.message}`}>{e.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {preview.unknownExcluded > 0 ? (
        <p className="rounded-md border border-warning/30 bg-warning/5 px-3 py-2 text-sm text-warning">
          {plural(preview.unknownExcluded, "upload")} left out: the size or idle criterion needs their parts, and ListParts could not read them.
        </p>
      ) : null}

      {chosen.buckets.length > 0 ? <BucketTotalsTable buckets={chosen.buckets} caption="Per bucket" /> : null}

      {activeCount > 0 ? (
        <section aria-label="Uploads that look active" className="flex flex-col gap-2 rounded-md border border-warning/30 bg-warning/5 p-3">
          <p className="text-sm">
            <span className="font-medium text-warning">{plural(activeCount, "upload looks", "uploads look")} active</span>{" "}
            <span className="text-muted-foreground">
              — a part arrived (or the upload started) in the last {preview.selection.activeWithinMinutes} min; someone may still be writing.{" "}
              {formatBytes(preview.active.totals.bytes)} in {plural(preview.active.totals.parts, "part")}.
            </span>
          </p>
          {readOnly ? null : (
            <label className="flex w-fit items-center gap-2 text-sm font-medium">
              <input type="checkbox" className="size-4 accent-destructive" checked={includeActive} onChange={(e) => onIncludeActiveChange(e.target.checked)} />
              Include the {plural(activeCount, "active upload")} in the job
            </label>
          )}
          <details className="text-sm">
            <summary className="cursor-pointer text-muted-foreground hover:text-foreground">
              Show {activeCount > preview.activeUploads.length ? `the first ${formatCount(preview.activeUploads.length)}` : "them"}
            </summary>
            <div className="mt-2">
              <UploadList uploads={preview.activeUploads} caption="Uploads that look active" now={now} />
            </div>
          </details>
        </section>
      ) : null}

      {preview.sample.length > 0 ? (
        <details className="text-sm">
          <summary className="cursor-pointer text-muted-foreground hover:text-foreground">
            Show {preview.eligible.totals.count > preview.sample.length ? `the ${formatCount(preview.sample.length)} oldest` : "the"} uploads selected
            {activeCount > 0 ? " (without the active ones)" : ""}
          </summary>
          <div className="mt-2">
            <UploadList uploads={preview.sample} caption="Selected uploads, oldest first" now={now} />
          </div>
        </details>
      ) : null}

      {readOnly ? (
        <div className="border-t border-border pt-4 text-sm text-muted-foreground">{readOnly.footer}</div>
      ) : (
      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-border pt-4">
        {totals.count === 0 ? (
          <p className="text-sm text-muted-foreground">
            Nothing to abort{activeCount > 0 && !includeActive ? " unless you include the active uploads" : " with this selection"}.
          </p>
        ) : (
          <p className="text-sm text-muted-foreground">
            A job aborts exactly these {plural(totals.count, "upload")} and verifies each with ListParts.
          </p>
        )}
        {canAbort ? (
          <Button variant="destructive" disabled={totals.count === 0} onClick={onAbort}>
            Abort {plural(totals.count, "upload")}…
          </Button>
        ) : (
          <p className="text-sm text-muted-foreground">Only admins can start a bulk abort.</p>
        )}
      </div>
      )}
    </Card>
  );
}

"use client";

import { CheckIcon } from "@/components/ui/check-icon";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import type { UploadRow } from "@/lib/uploads/types";
import { announcement, phaseLabel, type AbortState } from "@/components/uploads/abort-state";

function Spinner() {
  return (
    <svg aria-hidden viewBox="0 0 16 16" className="size-3.5 shrink-0 animate-spin" fill="none">
      <circle cx="8" cy="8" r="6" stroke="currentColor" strokeOpacity="0.25" strokeWidth="2" />
      <path d="M14 8a6 6 0 0 0-6-6" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

function AbortButton({
  row,
  label,
  onAbort,
}: {
  row: UploadRow;
  label: string;
  onAbort: (row: UploadRow) => void;
}) {
  return (
    <Button
      variant="outline"
      size="sm"
      className="text-destructive hover:bg-destructive/10 shrink-0"
      onClick={() => onAbort(row)}
    >
      <svg
        aria-hidden
        viewBox="0 0 16 16"
        className="size-3.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
      >
        <path
          d="M2.5 4h11M6.5 4V2.5h3V4M4 4l.7 9.5h6.6L12 4"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      {/* Icon only on narrow screens; the name always says what and which upload. */}
      <span className="sr-only lg:not-sr-only">{label}</span>
      <span className="sr-only">
        {" "}
        upload {row.key} in {row.bucket}
      </span>
    </Button>
  );
}

/** The last cell: the abort button, or where the row's abort stands. */
export function RowStatus({
  row,
  state,
  canAbort,
  onAbort,
}: {
  row: UploadRow;
  state: AbortState | undefined;
  canAbort: boolean;
  onAbort: (row: UploadRow) => void;
}) {
  if (!state) return canAbort ? <AbortButton row={row} label="Abort" onAbort={onAbort} /> : null;

  const label = phaseLabel(state);
  const detail = announcement(state);
  switch (state.phase) {
    case "aborting":
    case "verifying":
      return (
        <span
          data-abort-status
          tabIndex={-1}
          className="text-primary flex items-center gap-1.5 text-xs font-medium"
        >
          <Spinner />
          {label}
        </span>
      );
    case "reclaimed":
      return (
        <span className="text-success flex items-center gap-1.5 text-xs font-medium" title={detail}>
          <CheckIcon className="shrink-0" />
          {label}
        </span>
      );
    case "already-gone":
      return (
        <span className="text-muted-foreground text-xs font-medium" title={detail}>
          {label}
        </span>
      );
    case "still-present":
    case "denied":
    case "failed":
      return (
        <span className="flex min-w-0 flex-col items-start gap-1 lg:flex-row lg:items-center lg:gap-2">
          <span
            className={cn(
              "line-clamp-1 min-w-0 text-xs leading-4 lg:line-clamp-3 lg:text-[0.6875rem] lg:leading-3.5",
              state.phase === "still-present" ? "text-warning" : "text-destructive",
            )}
            title={detail}
          >
            {label}
          </span>
          {canAbort && state.phase !== "denied" ? (
            <AbortButton
              row={row}
              label={state.phase === "still-present" ? "Abort again" : "Retry"}
              onAbort={onAbort}
            />
          ) : null}
        </span>
      );
  }
}

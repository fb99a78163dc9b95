"use client";

import { memo, useRef } from "react";
import {
  ageMs,
  formatAge,
  formatAgo,
  formatBytes,
  formatBytesExact,
  formatCount,
  formatDateTime,
  shortUploadId,
} from "@/lib/format";
import { cn } from "@/lib/utils";
import type { UploadRow } from "@/lib/uploads/types";
import { isBusy, isDone, type AbortState } from "@/components/uploads/abort-state";
import { Checkbox } from "@/components/ui/checkbox";
import { columns, domRowId, placed, selectCell } from "@/components/uploads/columns";
import { CopyButton } from "@/components/uploads/copy-button";
import { RowStatus } from "@/components/uploads/row-status";

const cell = "min-w-0 flex-col justify-center px-1.5 lg:px-3 lg:py-1.5";

/**
 * A cell of column `index`: base classes, extras and the column's placement (see `placed`), and
 * its column number, which stays right when narrower windows hide columns (the checkbox is 1).
 */
function cellAt(index: number, ...classes: (string | false | undefined)[]) {
  return {
    role: "cell",
    "aria-colindex": index + 2,
    className: placed(cn(cell, ...classes), columns[index]?.cell ?? ""),
  };
}

const RECENT_PART_MS = 15 * 60_000;

function Counting() {
  return <span className="text-muted-foreground text-xs italic">counting…</span>;
}

/** A placeholder for a number not read yet (the last-part cell says "counting…"). */
function Pending() {
  return (
    <span className="bg-muted h-3 w-10 animate-pulse rounded">
      <span className="sr-only">counting</span>
    </span>
  );
}

/** One upload in the virtualized table. Positioned by the table; cells follow `columns`. */
export const UploadRowView = memo(function UploadRowView({
  row,
  rowIndex,
  state,
  canAbort,
  now,
  gridClass,
  offset,
  height,
  onAbort,
  selected,
  onSelect,
}: {
  row: UploadRow;
  /** 1-based, counting the header row (aria-rowindex). */
  rowIndex: number;
  state: AbortState | undefined;
  canAbort: boolean;
  now: number;
  gridClass: string;
  /** Position in the table body (px) and row height: plain numbers so memo holds while scrolling. */
  offset: number;
  height: number;
  onAbort: (row: UploadRow) => void;
  selected: boolean;
  /** A click or Space on the checkbox; `shift` selects the range from the last one. */
  onSelect: (row: UploadRow, shift: boolean) => void;
}) {
  const info = row.partsInfo;
  const checked = info
    ? `Parts checked ${formatAgo(info.checkedAt, now)} (${formatDateTime(info.checkedAt, { seconds: true })})`
    : undefined;
  const lastPartAge = ageMs(info?.lastPartAt, now);
  const recentPart = lastPartAge !== null && lastPartAge < RECENT_PART_MS;
  // Space toggles a checkbox on keyup, and the browser reports it as a click with detail 0.
  // Chromium copies the held Shift onto that click, Firefox does not (bugzilla 1245292): so the
  // keyup's shiftKey is kept for the click that follows it, and used once.
  const shiftOnSpace = useRef(false);

  return (
    <div
      role="row"
      aria-rowindex={rowIndex}
      data-row-id={domRowId(row)}
      style={{ height, transform: `translateY(${offset}px)` }}
      className={cn(
        "group/row border-border hover:bg-muted/40 absolute inset-x-0 top-0 grid grid-rows-2 border-b py-1 text-sm [contain:layout_style] focus-within:z-10 lg:grid-rows-1 lg:py-0",
        gridClass,
        isBusy(state?.phase) && "bg-primary/5",
        isDone(state?.phase) && "bg-success/5",
        (state?.phase === "failed" || state?.phase === "denied") && "bg-destructive/5",
        state?.phase === "still-present" && "bg-warning/5",
        selected && "bg-primary/5",
      )}
    >
      <div role="cell" aria-colindex={1} className={placed(cn(cell, "items-center"), selectCell)}>
        <Checkbox
          checked={selected}
          onKeyUp={(event) => {
            if (event.key === " ") shiftOnSpace.current = event.shiftKey;
          }}
          // React reports a checkbox change from its click event: a mouse click has shiftKey.
          onChange={(event) => {
            const click = event.nativeEvent;
            const spaceShift = shiftOnSpace.current;
            shiftOnSpace.current = false;
            onSelect(
              row,
              click instanceof MouseEvent && (click.detail === 0 ? spaceShift : click.shiftKey),
            );
          }}
          aria-label={`Select upload ${row.key} in ${row.bucket}`}
        />
      </div>

      <div {...cellAt(0)}>
        <span
          className="text-muted-foreground lg:text-foreground truncate font-mono text-xs"
          title={row.bucket}
        >
          {row.bucket}
        </span>
      </div>

      <div {...cellAt(1, "group/key relative flex-row items-center justify-start gap-1")}>
        <span data-slot="key" className="min-w-0 truncate font-mono text-xs" title={row.key}>
          {row.key}
        </span>
        <CopyButton
          value={row.key}
          label={`Copy key ${row.key}`}
          className="opacity-60 group-hover/row:opacity-100 focus-visible:opacity-100"
        />
        {/* The full key, for keyboard users: shown while the copy button has focus. */}
        <span
          aria-hidden
          className="border-border bg-card invisible absolute top-full left-2 z-20 max-w-[36rem] rounded-md border px-2 py-1 font-mono text-xs break-all shadow-md group-focus-within/key:visible"
        >
          {row.key}
        </span>
      </div>

      <div {...cellAt(2, "flex-row items-center justify-start gap-1")}>
        <span className="text-muted-foreground truncate font-mono text-xs" title={row.uploadId}>
          {shortUploadId(row.uploadId)}
        </span>
        <CopyButton
          value={row.uploadId}
          label={`Copy upload ID ${row.uploadId}`}
          className="opacity-60 group-hover/row:opacity-100 focus-visible:opacity-100"
        />
      </div>

      {/* Who started it and its class too: those columns only show from 1600 px. */}
      <div
        {...cellAt(3)}
        title={[
          formatDateTime(row.initiated, { seconds: true }),
          row.initiator && `by ${row.initiator}`,
          row.storageClass,
        ]
          .filter(Boolean)
          .join(" · ")}
      >
        <span className="text-xs tabular-nums lg:text-sm lg:font-medium">
          {formatAge(row.initiated, now)}
        </span>
        <span className="text-muted-foreground hidden truncate text-xs tabular-nums lg:block">
          {formatDateTime(row.initiated, { zone: false })}
        </span>
      </div>

      <div {...cellAt(4)}>
        <span className="text-muted-foreground truncate text-xs">{row.storageClass ?? "—"}</span>
      </div>

      <div {...cellAt(5)}>
        <span className="text-muted-foreground truncate text-xs" title={row.initiator ?? undefined}>
          {row.initiator ?? "—"}
        </span>
      </div>

      <div {...cellAt(6, "items-end")} title={checked}>
        {info ? (
          <span className="text-xs tabular-nums lg:text-sm">{formatCount(info.parts)}</span>
        ) : row.partsError ? (
          <span className="text-muted-foreground">—</span>
        ) : (
          <Pending />
        )}
      </div>

      <div
        {...cellAt(7, "items-end")}
        title={info ? `${formatBytesExact(info.bytes)} · ${checked ?? ""}` : undefined}
      >
        {info ? (
          <span className="text-xs font-medium tabular-nums lg:text-sm">
            {formatBytes(info.bytes)}
          </span>
        ) : row.partsError ? (
          <span className="text-muted-foreground">—</span>
        ) : (
          <Pending />
        )}
      </div>

      <div {...cellAt(8)} title={row.partsError?.message ?? checked}>
        {row.partsError ? (
          <span className="text-destructive line-clamp-2 text-xs leading-4">
            {row.partsError.message}
          </span>
        ) : info ? (
          <>
            <span className={cn("truncate tabular-nums", recentPart && "text-warning font-medium")}>
              {info.lastPartAt ? (
                formatAgo(info.lastPartAt, now)
              ) : (
                <span className="text-muted-foreground">no parts</span>
              )}
            </span>
            <span className="text-muted-foreground truncate text-xs">
              checked {formatAgo(info.checkedAt, now)}
            </span>
          </>
        ) : (
          <Counting />
        )}
      </div>

      {canAbort ? (
        <div {...cellAt(9, "items-start justify-center")}>
          <RowStatus row={row} state={state} canAbort={canAbort} onAbort={onAbort} />
        </div>
      ) : null}
    </div>
  );
});

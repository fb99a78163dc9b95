"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { cn } from "@/lib/utils";
import type { SortColumn, UploadView } from "@/lib/uploads/view";
import type { UploadRow } from "@/lib/uploads/types";
import type { AbortStates } from "@/components/uploads/use-upload-aborts";
import type { TableSelection } from "@/components/uploads/use-selection";
import {
  HEADER_HEIGHT,
  ROW_HEIGHT,
  ROW_HEIGHT_COMPACT,
  WIDE_QUERY,
  columns,
  gridTemplate,
  gridTemplateViewer,
  tableMinWidth,
  tableMinWidthViewer,
} from "@/components/uploads/columns";
import { UploadRowView } from "@/components/uploads/upload-row";
import { UploadsTableHeader } from "@/components/uploads/uploads-table-header";
import { useMediaQuery } from "@/components/uploads/use-media-query";
import { useNow } from "@/components/uploads/use-now";
import { useVisiblePartsRefresh } from "@/components/uploads/use-visible-parts-refresh";

/**
 * The uploads as an ARIA table (role=table/row/columnheader/cell), virtualized: only the rows
 * in view (plus a few) are in the DOM, so 10,000 uploads scroll smoothly. Fixed-height scroll
 * container with a sticky header; scrolls sideways on narrow screens.
 */
export function UploadsTable({
  rows,
  view,
  onSort,
  states,
  canAbort,
  onAbort,
  profileId,
  refreshMs,
  selection,
}: {
  rows: readonly UploadRow[];
  view: UploadView;
  onSort: (column: SortColumn) => void;
  states: AbortStates;
  canAbort: boolean;
  onAbort: (row: UploadRow) => void;
  profileId: string;
  refreshMs: number;
  selection: Pick<TableSelection, "selected" | "header" | "toggle" | "toggleAllInView">;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const now = useNow(1000);
  const wide = useMediaQuery(WIDE_QUERY);
  const rowHeight = wide ? ROW_HEIGHT : ROW_HEIGHT_COMPACT;
  const gridClass = cn(
    "grid w-full",
    canAbort ? gridTemplate : gridTemplateViewer,
    canAbort ? tableMinWidth : tableMinWidthViewer,
  );

  // TanStack Virtual returns fresh functions each render; it is not memoizable by the compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: useCallback(() => rowHeight, [rowHeight]),
    overscan: 10,
    scrollMargin: HEADER_HEIGHT,
    getItemKey: useCallback((index: number) => rows[index]?.id ?? index, [rows]),
  });
  // Crossing the lg breakpoint changes the row height: lay the rows out again.
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);
  const items = virtualizer.getVirtualItems();
  const range = virtualizer.range;

  // Rows actually in view (not the overscan), minus rows being aborted: their parts are re-read.
  const visible = useMemo(() => {
    if (!range) return [];
    return rows.slice(range.startIndex, range.endIndex + 1).filter((row) => !states.has(row.id));
  }, [rows, range, states]);
  useVisiblePartsRefresh(profileId, visible, refreshMs);

  return (
    <div
      ref={scrollRef}
      role="table"
      aria-label="Incomplete uploads"
      aria-rowcount={rows.length + 1}
      aria-colcount={(canAbort ? columns.length : columns.length - 1) + 1}
      className="border-border bg-card relative h-[75dvh] min-h-[22rem] overflow-auto overscroll-contain rounded-lg border lg:h-[calc(100dvh-23rem)]"
    >
      <UploadsTableHeader
        view={view}
        onSort={onSort}
        canAbort={canAbort}
        gridClass={gridClass}
        rowCount={rows.length}
        selectState={selection.header}
        onSelectAll={selection.toggleAllInView}
      />
      <div
        role="rowgroup"
        className={cn("relative", canAbort ? tableMinWidth : tableMinWidthViewer)}
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <UploadRowView
              key={row.id}
              row={row}
              rowIndex={item.index + 2}
              state={states.get(row.id)}
              canAbort={canAbort}
              now={now}
              gridClass={gridClass}
              offset={item.start - HEADER_HEIGHT}
              height={rowHeight}
              onAbort={onAbort}
              selected={selection.selected.has(row.id)}
              onSelect={selection.toggle}
            />
          );
        })}
      </div>
    </div>
  );
}

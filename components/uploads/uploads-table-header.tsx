"use client";

import { cn } from "@/lib/utils";
import type { SortColumn, UploadView } from "@/lib/uploads/view";
import { Checkbox } from "@/components/ui/checkbox";
import { columns, placed, selectHead } from "@/components/uploads/columns";
import type { HeaderState } from "@/components/uploads/selection";

function SortIcon({ dir }: { dir: "asc" | "desc" | null }) {
  return (
    <svg
      aria-hidden
      viewBox="0 0 12 12"
      className={cn("size-3 shrink-0", dir ? "text-foreground" : "text-muted-foreground/50")}
    >
      <path d="M6 2l3 3.5H3z" fill="currentColor" opacity={dir === "desc" ? 0.25 : 1} />
      <path d="M6 10l3-3.5H3z" fill="currentColor" opacity={dir === "asc" ? 0.25 : 1} />
    </svg>
  );
}

/**
 * The sticky header row: a tri-state checkbox for the rows in view, one button per sortable
 * column, aria-sort on the sorted one.
 */
export function UploadsTableHeader({
  view,
  onSort,
  canAbort,
  gridClass,
  className,
  rowCount,
  selectState,
  onSelectAll,
}: {
  view: UploadView;
  onSort: (column: SortColumn) => void;
  canAbort: boolean;
  gridClass: string;
  className?: string;
  /** Rows in view (all filtered rows, rendered or not). */
  rowCount: number;
  selectState: HeaderState;
  onSelectAll: () => void;
}) {
  const shown = canAbort ? columns : columns.filter((c) => c.id !== "status");
  return (
    <div
      role="rowgroup"
      className={cn("border-border bg-card sticky top-0 z-20 border-b", className)}
    >
      <div
        role="row"
        aria-rowindex={1}
        className={cn("text-muted-foreground grid h-10 text-xs font-medium", gridClass)}
      >
        <div
          role="columnheader"
          aria-colindex={1}
          className={placed("items-center justify-center", selectHead)}
        >
          <Checkbox
            checked={selectState === "all"}
            indeterminate={selectState === "some"}
            onChange={onSelectAll}
            aria-label={`Select all ${rowCount.toLocaleString("en-US")} uploads in view`}
          />
        </div>
        {shown.map((column, index) => {
          const sorted = column.id === view.sort ? view.dir : null;
          return (
            <div
              key={column.id}
              role="columnheader"
              aria-colindex={index + 2}
              aria-sort={
                sorted === "asc"
                  ? "ascending"
                  : sorted === "desc"
                    ? "descending"
                    : column.sortable
                      ? "none"
                      : undefined
              }
              className={placed(
                cn("items-center px-0.5 lg:px-1.5", column.numeric && "justify-end"),
                column.head,
              )}
            >
              {column.sortable && column.id !== "status" ? (
                <button
                  type="button"
                  title={column.hint}
                  onClick={() => onSort(column.id as SortColumn)}
                  className={cn(
                    "hover:bg-muted hover:text-foreground inline-flex h-7 min-w-0 items-center gap-1 rounded px-1 tracking-wide uppercase lg:px-1.5",
                    sorted && "text-foreground",
                    column.numeric && "flex-row-reverse",
                  )}
                >
                  {column.shortLabel ? (
                    <>
                      <span className="lg:hidden">{column.shortLabel}</span>
                      <span className="hidden lg:inline">{column.label}</span>
                    </>
                  ) : (
                    column.label
                  )}
                  <SortIcon dir={sorted} />
                </button>
              ) : (
                <span className="sr-only px-1.5 tracking-wide uppercase lg:not-sr-only">
                  {column.label}
                </span>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

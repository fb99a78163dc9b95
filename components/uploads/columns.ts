import type { SortColumn } from "@/lib/uploads/view";
import type { UploadRef } from "@/lib/uploads/types";

// The table's columns, in order. Each row is a CSS grid with the same template as the
// header, so they line up. Columns give way as the window narrows:
//   ≥1600px  every column
//   ≥xl      without class and initiator
//   ≥lg      also without the upload id
//   <lg      two lines per row:  ☐ | key ................... | status
//                                ☐ | bucket | parts | size | age | status
// The selection checkbox (selectCell / selectHead) comes first in every tier.
// Below each tier's minimum width the table scrolls sideways. The tiers are ranges
// (lg:max-xl, xl:max-[1600px]): Tailwind emits arbitrary min-[…] rules before named
// breakpoints, so an open-ended xl rule would override the 1600px one.

export interface ColumnDef {
  id: SortColumn | "status";
  label: string;
  /** Right-aligned numbers. */
  numeric?: boolean;
  sortable: boolean;
  /** Tooltip on the header. */
  hint?: string;
  /** Visibility and placement of the row cell (compact layout below lg). */
  cell: string;
  /** The same for the header cell. */
  head: string;
  /** Header label in the compact layout, when shorter. */
  shortLabel?: string;
}

const wideOnly = "hidden lg:flex";
const xlOnly = "hidden xl:flex";
const widestOnly = "hidden min-[1600px]:flex";
const reset = "lg:col-auto lg:row-auto";

export const columns: readonly ColumnDef[] = [
  {
    id: "bucket",
    label: "Bucket",
    sortable: true,
    cell: `col-start-2 row-start-2 ${reset}`,
    head: wideOnly,
  },
  {
    id: "key",
    label: "Key",
    sortable: true,
    cell: `col-span-4 col-start-2 row-start-1 ${reset}`,
    head: `col-start-2 ${reset}`,
  },
  { id: "uploadId", label: "Upload ID", sortable: true, cell: xlOnly, head: xlOnly },
  {
    id: "initiated",
    label: "Initiated",
    shortLabel: "Age",
    sortable: true,
    hint: "Times are UTC",
    cell: `col-start-5 row-start-2 ${reset}`,
    head: `col-start-5 row-start-1 ${reset}`,
  },
  { id: "storageClass", label: "Class", sortable: true, cell: widestOnly, head: widestOnly },
  { id: "initiator", label: "Initiator", sortable: true, cell: widestOnly, head: widestOnly },
  {
    id: "parts",
    label: "Parts",
    numeric: true,
    sortable: true,
    cell: `col-start-3 row-start-2 ${reset}`,
    head: `col-start-3 row-start-1 ${reset}`,
  },
  {
    id: "bytes",
    label: "Size",
    numeric: true,
    sortable: true,
    cell: `col-start-4 row-start-2 ${reset}`,
    head: `col-start-4 row-start-1 ${reset}`,
  },
  { id: "lastPart", label: "Last part", sortable: true, cell: wideOnly, head: wideOnly },
  {
    id: "status",
    label: "Status",
    sortable: false,
    cell: `col-start-6 row-span-2 row-start-1 ${reset}`,
    head: `col-start-6 row-start-1 ${reset}`,
  },
];

/** The selection checkbox's cell: first column, both lines of a compact row. */
export const selectCell = `col-start-1 row-span-2 row-start-1 ${reset}`;
export const selectHead = `col-start-1 row-start-1 ${reset}`;

/** select, bucket, key, upload id, initiated, class, initiator, parts, size, last part, status — per tier. */
export const gridTemplate = [
  "grid-cols-[2rem_minmax(0,1fr)_3rem_4.25rem_3.5rem_5.25rem]",
  "lg:max-xl:grid-cols-[2rem_minmax(8.5rem,0.6fr)_minmax(13.5rem,3fr)_8.5rem_4.5rem_6rem_9rem_minmax(11.5rem,1.2fr)]",
  "xl:max-[1600px]:grid-cols-[2rem_minmax(8.5rem,0.6fr)_minmax(14rem,3fr)_9.5rem_8.5rem_4.5rem_6rem_9rem_minmax(11.5rem,1.2fr)]",
  "min-[1600px]:grid-cols-[2rem_minmax(8.5rem,0.6fr)_minmax(12.5rem,3fr)_9.5rem_8.5rem_6.5rem_7rem_4.5rem_6rem_9rem_minmax(11.5rem,1.2fr)]",
].join(" ");

/** The same without the status column (viewers cannot abort). */
export const gridTemplateViewer = [
  "grid-cols-[2rem_minmax(0,1fr)_3rem_4.25rem_3.5rem]",
  "lg:max-xl:grid-cols-[2rem_minmax(8.5rem,0.6fr)_minmax(14rem,3fr)_8.5rem_4.5rem_6rem_9rem]",
  "xl:max-[1600px]:grid-cols-[2rem_minmax(8.5rem,0.6fr)_minmax(14rem,3fr)_9.5rem_8.5rem_4.5rem_6rem_9rem]",
  "min-[1600px]:grid-cols-[2rem_minmax(8.5rem,0.6fr)_minmax(12.5rem,3fr)_9.5rem_8.5rem_6.5rem_7rem_4.5rem_6rem_9rem]",
].join(" ");

/** Sums of each tier's minimum widths: below them the table scrolls sideways. */
export const tableMinWidth =
  "lg:max-xl:min-w-[63.5rem] xl:max-[1600px]:min-w-[73.5rem] min-[1600px]:min-w-[85.5rem]";
export const tableMinWidthViewer =
  "lg:max-xl:min-w-[52.5rem] xl:max-[1600px]:min-w-[62rem] min-[1600px]:min-w-[74rem]";

/** The media query of the full layout (Tailwind's lg). */
export const WIDE_QUERY = "(min-width: 64rem)";

/** Fixed row heights (px) for the virtualizer: two lines of text either way. */
export const ROW_HEIGHT = 52;
export const ROW_HEIGHT_COMPACT = 60;
/** Header height (px), also the virtualizer's scroll margin. */
export const HEADER_HEIGHT = 40;

/** Row ids hold NUL separators, which CSS selectors cannot express: an encoded twin for the DOM. */
export function domRowId(ref: UploadRef): string {
  return [ref.bucket, ref.key, ref.uploadId].map(encodeURIComponent).join("/");
}

/**
 * Base classes plus a column's visibility and placement, joined without tailwind-merge (which
 * would fold the grid placement classes). Columns left out of a layout carry "hidden …:flex";
 * the others get "flex".
 */
export function placed(base: string, placement: string): string {
  return [base, placement.includes("hidden") ? null : "flex", placement].filter(Boolean).join(" ");
}

// Which uploads are chosen in the table, for a bulk cleanup. Pure functions, no React: the
// hook (use-selection.ts) keeps a `Selection` in state and derives the rest per render.
//
// Two modes. "rows": explicit row ids (bucket + key + upload id), picked one by one, by a
// shift-click range or by the header checkbox. "matching": every row matching a filter
// (the table's filter when it was chosen) — sent to the server as the filter itself, so it
// is resolved there again and is not bounded by the number of refs an action accepts.
import { formFromSearchParams, selectionFromForm } from "@/lib/jobs/filter-params";
import { DEFAULT_ACTIVE_WITHIN_MINUTES, type BulkSelection } from "@/lib/jobs/types";
import { filterRows } from "@/lib/uploads/filter-sort";
import type { UploadView } from "@/lib/uploads/view";
import type { UploadRow } from "@/lib/uploads/types";

/** What the previewBulk action accepts as explicit refs. */
export const MAX_REFS = 10_000;

export type SelectionFilter = Pick<UploadView, "bucket" | "q" | "minAge" | "minSize">;

export type Selection =
  | { mode: "rows"; ids: ReadonlySet<string>; anchor: string | null }
  | { mode: "matching"; filter: SelectionFilter; anchor: string | null };

export const emptySelection: Selection = { mode: "rows", ids: new Set(), anchor: null };

/** The filter part of a view (sort does not change which rows match). */
export function filterOf(view: UploadView): SelectionFilter {
  return { bucket: view.bucket, q: view.q, minAge: view.minAge, minSize: view.minSize };
}

/**
 * The ids selected now, among the rows listed now: rows that left the listing drop out;
 * in "matching" mode, rows matching the filter (ages against the listing time `now`).
 */
export function selectedIds(
  selection: Selection,
  rows: readonly UploadRow[],
  now: number,
): Set<string> {
  if (selection.mode === "matching") {
    const view: UploadView = { ...selection.filter, sort: "bytes", dir: "desc" };
    return new Set(filterRows(rows, view, now).map((row) => row.id));
  }
  const out = new Set<string>();
  if (selection.ids.size === 0) return out;
  for (const row of rows) if (selection.ids.has(row.id)) out.add(row.id);
  return out;
}

/**
 * A click on a row's checkbox. With shift, and an anchor among `order` (the rows in view, in
 * their current sort), every row between the anchor and this one takes this row's new state.
 */
export function toggleRow(
  selected: ReadonlySet<string>,
  anchor: string | null,
  id: string,
  order: readonly string[],
  shift: boolean,
): Selection {
  const checked = !selected.has(id);
  const ids = new Set(selected);
  const from = shift && anchor !== null ? order.indexOf(anchor) : -1;
  const to = from >= 0 ? order.indexOf(id) : -1;
  const range = to >= 0 ? order.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
  for (const rowId of range) {
    if (checked) ids.add(rowId);
    else ids.delete(rowId);
  }
  return { mode: "rows", ids, anchor: id };
}

export type HeaderState = "none" | "some" | "all";

/** How many of `ids` are selected. */
export function countSelected(selected: ReadonlySet<string>, ids: readonly string[]): number {
  let count = 0;
  for (const id of ids) if (selected.has(id)) count++;
  return count;
}

/** The header checkbox: none, some or all of the rows in view selected. */
export function headerState(selected: ReadonlySet<string>, inView: readonly string[]): HeaderState {
  const count = countSelected(selected, inView);
  if (count === 0) return "none";
  return count === inView.length ? "all" : "some";
}

/** The header checkbox clicked: all rows in view selected → none of them; otherwise all. */
export function toggleInView(selected: ReadonlySet<string>, inView: readonly string[]): Selection {
  const ids = new Set(selected);
  if (headerState(selected, inView) === "all") for (const id of inView) ids.delete(id);
  else for (const id of inView) ids.add(id);
  return { mode: "rows", ids, anchor: null };
}

/** The table's filter as URL parameters of /bulk (the same names and parsers). */
export function bulkParams(profileId: string, filter: SelectionFilter): URLSearchParams {
  const params = new URLSearchParams({ profile: profileId });
  if (filter.bucket) params.set("bucket", filter.bucket);
  if (filter.q) params.set("q", filter.q);
  if (filter.minAge) params.set("minAge", filter.minAge.text);
  if (filter.minSize) params.set("minSize", filter.minSize.text);
  return params;
}

/**
 * What Review sends to previewBulk: the filter itself ("matching"), or the chosen rows as
 * refs. `rows` are the rows the table shows selected; their count goes along as `origin`,
 * for the bulk page to compare with what the server finds.
 */
export function toBulkSelection(
  profileId: string,
  selection: Selection,
  rows: readonly UploadRow[],
): BulkSelection {
  const origin = { from: "table" as const, chosen: rows.length };
  if (selection.mode === "rows") {
    const refs = rows.map(({ bucket, key, uploadId }) => ({ bucket, key, uploadId }));
    return { profileId, activeWithinMinutes: DEFAULT_ACTIVE_WITHIN_MINUTES, refs, origin };
  }
  const built = selectionFromForm(
    profileId,
    formFromSearchParams(bulkParams(profileId, selection.filter)),
  );
  // The view's values came through the same parsers: a refusal here is a bug.
  if (!built.ok)
    throw new Error(`table filter refused by the bulk form: ${JSON.stringify(built.errors)}`);
  return { ...built.selection, origin };
}

"use client";

import { useCallback, useMemo, useState } from "react";
import type { UploadRow } from "@/lib/uploads/types";
import {
  bulkParams,
  countSelected,
  emptySelection,
  headerState,
  selectedIds,
  toggleInView,
  toggleRow,
  type HeaderState,
  type Selection,
  type SelectionFilter,
} from "@/components/uploads/selection";

export interface TableSelection {
  selection: Selection;
  /** Ids selected among the rows listed now: one Set lookup per rendered row. */
  selected: ReadonlySet<string>;
  /** The selected rows (listing order), for the sums and for Review. */
  selectedRows: UploadRow[];
  header: HeaderState;
  /** Selected rows the current filter hides. */
  hidden: number;
  /** "Matching" mode and the table still shows that filter. */
  matchingCurrent: boolean;
  toggle: (row: UploadRow, shift: boolean) => void;
  toggleAllInView: () => void;
  selectAllMatching: () => void;
  clear: () => void;
}

/**
 * The table's selection (see selection.ts). Held in memory, not in the URL; it survives
 * refreshes (ids are bucket + key + upload id; rows that leave the listing drop out) and is
 * empty for another profile.
 */
export function useSelection({
  profileId,
  allRows,
  rowsInView,
  filter,
  listedAtMs,
}: {
  profileId: string;
  allRows: readonly UploadRow[];
  /** Filtered and sorted as on screen: the order of shift-click ranges. */
  rowsInView: readonly UploadRow[];
  filter: SelectionFilter;
  /** The listing's time: "older than" is measured against it, as in the table. */
  listedAtMs: number;
}): TableSelection {
  const [state, setState] = useState({ profileId, selection: emptySelection });
  const selection = state.profileId === profileId ? state.selection : emptySelection;

  const selected = useMemo(
    () => selectedIds(selection, allRows, listedAtMs),
    [selection, allRows, listedAtMs],
  );
  const selectedRows = useMemo(
    () => (selected.size === 0 ? [] : allRows.filter((row) => selected.has(row.id))),
    [allRows, selected],
  );
  const inView = useMemo(() => rowsInView.map((row) => row.id), [rowsInView]);
  const header = useMemo(() => headerState(selected, inView), [selected, inView]);
  const hidden = useMemo(() => selected.size - countSelected(selected, inView), [selected, inView]);
  const filterKey = bulkParams(profileId, filter).toString();
  const matchingCurrent =
    selection.mode === "matching" &&
    bulkParams(profileId, selection.filter).toString() === filterKey;

  const set = useCallback(
    (next: Selection) => setState({ profileId, selection: next }),
    [profileId],
  );
  const toggle = useCallback(
    (row: UploadRow, shift: boolean) =>
      set(toggleRow(selected, selection.anchor, row.id, inView, shift)),
    [set, selected, selection.anchor, inView],
  );
  const toggleAllInView = useCallback(
    () => set(toggleInView(selected, inView)),
    [set, selected, inView],
  );
  const selectAllMatching = useCallback(
    () => set({ mode: "matching", filter, anchor: null }),
    [set, filter],
  );
  const clear = useCallback(() => set(emptySelection), [set]);

  return {
    selection,
    selected,
    selectedRows,
    header,
    hidden,
    matchingCurrent,
    toggle,
    toggleAllInView,
    selectAllMatching,
    clear,
  };
}

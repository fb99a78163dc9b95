// How often the uploads page polls the server besides its listing (RECLAIM_REFRESH_MS), while
// the tab is visible; hidden tabs do not poll. Plain constants, so the benchmark's emulated
// tabs (bench/cost-tab.ts) poll at the browser's cadence.

/** The header's ledger totals and lifecycle rules: they change only on aborts (which invalidate them) and rule edits. */
export const CLEANUP_STATUS_REFRESH_MS = 30_000;

/** The dashboard's own request bill: kept in the server's memory, so asking costs no S3 request. */
export const REQUEST_BILL_REFRESH_MS = 30_000;

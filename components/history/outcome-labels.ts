import type { LedgerOutcome, OutcomeFilter } from "@/lib/ledger/history";

// How outcomes read on screen, and their badge tone.

export const OUTCOME_LABELS: Record<OutcomeFilter, string> = {
  "needs-attention": "Needs attention",
  reclaimed: "Reclaimed",
  "already-gone": "Already gone",
  "gone-unknown": "Gone (cause unknown)",
  "verify-failed": "Verify failed",
  denied: "Denied",
  failed: "Failed",
  unknown: "Unknown",
};

export const OUTCOME_TONES: Record<LedgerOutcome, "success" | "neutral" | "warning" | "danger"> = {
  reclaimed: "success",
  "already-gone": "neutral",
  "gone-unknown": "neutral",
  "verify-failed": "warning",
  denied: "danger",
  failed: "danger",
  unknown: "warning",
};

/** What each outcome means, for tooltips. */
export const OUTCOME_HINTS: Record<LedgerOutcome, string> = {
  reclaimed: "Aborted, and ListParts proved the parts are gone.",
  "already-gone": "Gone before this abort (another admin, a lifecycle rule or a completion got there first); nothing counted.",
  "gone-unknown":
    "Found gone on a later re-verification: our interrupted or failed abort, its uploader completing it, or a lifecycle rule may have ended it; nothing counted.",
  "verify-failed": "Aborted, but parts were still listed after every retry; re-verify or abort again.",
  denied: "The profile's key may not abort uploads in this bucket.",
  failed: "The abort or its verification failed; the reason says why.",
  unknown: "The abort was interrupted before its result was recorded; re-verify to resolve it.",
};

/** Outcomes an admin can re-verify from the history page. */
export function canReverifyOutcome(outcome: LedgerOutcome): boolean {
  return outcome === "failed" || outcome === "verify-failed" || outcome === "unknown";
}

/** 340 → "340 ms", 1234 → "1.2 s", 75_000 → "75 s". */
export function formatDurationMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** "2 aborts · 1.4 s", or what the missing numbers mean. */
export function attemptsSummary(entry: { outcome: LedgerOutcome; attempts: number; durationMs: number | null }): string {
  if (entry.outcome === "unknown") return "result not recorded";
  if (entry.attempts === 0 && entry.durationMs === null) return "resolved by re-verify";
  if (entry.attempts === 0) return "no abort needed";
  return `${entry.attempts} ${entry.attempts === 1 ? "abort" : "aborts"} · ${formatDurationMs(entry.durationMs)}`;
}

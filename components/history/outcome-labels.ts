import type { LedgerOutcome } from "@/lib/ledger/types";

// What the history page says about an attempt besides its outcome (lib/outcomes.ts).

/** Outcomes an admin can re-verify from the history page. */
export function canReverifyOutcome(outcome: LedgerOutcome): boolean {
  return outcome === "failed" || outcome === "verify-failed" || outcome === "unknown";
}

/** 340 → "340 ms", 1234 → "1.2 s", 75_000 → "75 s". */
function formatDurationMs(ms: number | null): string {
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

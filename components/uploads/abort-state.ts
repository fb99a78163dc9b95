import { formatBytes } from "@/lib/format";
import type { AbortResult, UploadRow, VerifyResult } from "@/lib/uploads/types";

// The life of one abort as the table shows it:
//   aborting → verifying → reclaimed | already-gone | still-present | denied | failed
// "verifying" is resolved by the fast verification poll (verifyUploadsAction).

export type AbortPhase =
  "aborting" | "verifying" | "reclaimed" | "already-gone" | "still-present" | "denied" | "failed";

export interface AbortState {
  /** The row as it was when the abort started (shown after the listing drops it). */
  row: UploadRow;
  phase: AbortPhase;
  /** Client time (ms) this phase began. */
  since: number;
  /** Bytes the abort frees (the server's snapshot before aborting). */
  bytes: number;
  parts: number;
  partsRemaining?: number;
  /** For denied / failed: the sentence to show. */
  message?: string;
  /** Outcome shown long enough: the row has left the table. */
  hidden?: boolean;
}

/** A reclaimed or already-gone row stays this long to show its outcome, then leaves. */
export const SHOW_OUTCOME_MS = 5_000;
/** Verification that keeps seeing parts this long after the abort turns into still-present. */
export const VERIFY_GIVE_UP_MS = 20_000;

export const DENIED_MESSAGE = "Permission denied — the key lacks s3:AbortMultipartUpload";

export function isBusy(phase: AbortPhase | undefined): boolean {
  return phase === "aborting" || phase === "verifying";
}

export function isDone(phase: AbortPhase | undefined): boolean {
  return phase === "reclaimed" || phase === "already-gone";
}

export function abortingState(row: UploadRow, now: number): AbortState {
  return {
    hidden: false,
    row,
    phase: "aborting",
    since: now,
    bytes: row.partsInfo?.bytes ?? 0,
    parts: row.partsInfo?.parts ?? 0,
  };
}

/** The server's answer → the row's next phase. "reclaimed" is confirmed by our own poll. */
export function stateFromResult(
  previous: AbortState,
  result: AbortResult,
  now: number,
): AbortState {
  const base = { ...previous, since: now, bytes: result.bytesBefore, parts: result.partsBefore };
  switch (result.outcome) {
    case "reclaimed":
      return { ...base, phase: "verifying" };
    case "already-gone":
      return { ...base, phase: "already-gone" };
    case "verify-failed":
      return { ...base, phase: "still-present", partsRemaining: result.partsRemaining };
    case "denied":
      return { ...base, phase: "denied", message: result.error?.message ?? DENIED_MESSAGE };
    case "failed":
      return {
        ...base,
        phase: "failed",
        message: result.error?.message ?? "the storage did not say why",
      };
  }
}

export function failedState(
  previous: AbortState | undefined,
  row: UploadRow,
  message: string,
  now: number,
): AbortState {
  return { ...(previous ?? abortingState(row, now)), row, phase: "failed", since: now, message };
}

/**
 * A verifying row, given the latest verification poll (taken at `checkedAt`, client ms):
 * gone → reclaimed; parts still listed for too long → still-present; else unchanged.
 * Results older than the phase are ignored (a previous attempt's poll).
 */
export function resolveVerification(
  state: AbortState,
  result: VerifyResult | undefined,
  checkedAt: number,
): AbortState {
  if (state.phase !== "verifying" || !result || checkedAt < state.since) return state;
  if (result.gone) return { ...state, phase: "reclaimed", since: checkedAt };
  if (checkedAt - state.since >= VERIFY_GIVE_UP_MS) {
    return {
      ...state,
      phase: "still-present",
      since: checkedAt,
      partsRemaining: result.partsRemaining,
    };
  }
  return { ...state, partsRemaining: result.partsRemaining };
}

/** What the row says, visibly. */
export function phaseLabel(state: AbortState): string {
  switch (state.phase) {
    case "aborting":
      return "Aborting…";
    case "verifying":
      return state.partsRemaining
        ? `Verifying… ${state.partsRemaining} parts listed`
        : "Verifying…";
    case "reclaimed":
      return `Reclaimed ${formatBytes(state.bytes)}`;
    case "already-gone":
      return "Already gone";
    case "still-present":
      return "Parts still present";
    case "denied":
      return DENIED_MESSAGE;
    case "failed":
      return `Failed: ${state.message ?? "unknown error"}`;
  }
}

/** What the live region announces: the label plus which upload. */
/** One sentence: no `backticks` (plain text for the live region), exactly one final period. */
function sentence(text: string): string {
  const plain = text.replaceAll("`", "").trim();
  return /[.!?…]$/.test(plain) ? plain : `${plain}.`;
}

export function announcement(state: AbortState): string {
  const where = `${state.row.bucket}/${state.row.key}`;
  // Server messages usually name the upload already; otherwise say which one.
  const about = (message: string) =>
    sentence(message.includes(state.row.key) ? message : `${where}: ${message}`);
  switch (state.phase) {
    case "aborting":
      return `Aborting ${where}…`;
    case "verifying":
      return `Aborted ${where}; verifying that its parts are gone…`;
    case "reclaimed":
      return `Reclaimed ${formatBytes(state.bytes)} from ${where} — ListParts confirms the parts are gone.`;
    case "already-gone":
      return `${where} was already gone — someone or a lifecycle rule aborted or completed it first.`;
    case "still-present":
      return `Parts of ${where} are still present${state.partsRemaining ? ` (${state.partsRemaining})` : ""} — an upload may still be sending parts. Abort again.`;
    case "denied":
      return about(state.message ?? DENIED_MESSAGE);
    case "failed":
      return sentence(
        `Aborting ${where} failed: ${(state.message ?? "unknown error").replace(/\.$/, "")}`,
      );
  }
}

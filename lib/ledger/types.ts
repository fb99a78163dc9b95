import type { MoneyTotals, MonthlyAmount } from "@/lib/money";
import type { AbortOutcome } from "@/lib/s3/types";

// What the ledger records and what the history view reads from it. Plain types: the
// browser's components use them too.

export type LedgerOutcome =
  | AbortOutcome
  /** Intent written, outcome not (yet): an abort in flight, or one a crash interrupted. */
  | "unknown"
  /** Found gone on a later re-verification; nothing proves our abort did it: not reclaimed. */
  | "gone-unknown";

interface Actor {
  id: string | null;
  email: string;
}

/** Which upload an attempt is about, and what it held just before the abort. */
interface AttemptTarget {
  profileId: string;
  endpointHost: string;
  bucket: string;
  key: string;
  uploadId: string;
  initiated: string | null;
  partsBefore: number;
  bytesBefore: number;
}

export interface AbortIntent extends AttemptTarget {
  actor: Actor;
  jobId?: string | null;
}

export interface LedgerEntry extends AttemptTarget {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  actorEmail: string;
  /** The identity provider's subject of whoever aborted (single sign-on), else null. */
  actorSubject: string | null;
  outcome: LedgerOutcome;
  attempts: number;
  errorCode: string | null;
  errorMessage: string | null;
  durationMs: number | null;
  jobId: string | null;
}

/** Storage reclaimed by a set of rows with outcome 'reclaimed'. */
export interface ReclaimedSum {
  uploads: number;
  parts: number;
  bytes: number;
}

export type OutcomeCounts = Record<LedgerOutcome, number>;

export interface HistoryTotals {
  /** The clock the windows were computed against (ISO). */
  asOf: string;
  allTime: ReclaimedSum;
  last24h: ReclaimedSum;
  last7d: ReclaimedSum;
  last30d: ReclaimedSum;
  /** All-time attempts per outcome (reclaimed included). */
  outcomes: OutcomeCounts;
  /** All attempts, every outcome. */
  attempts: number;
}

interface BreakdownBase extends ReclaimedSum {
  /** Attempts of every outcome. */
  attempts: number;
  /** failed + verify-failed + denied + unknown: attempts someone should look at. */
  needsAttention: number;
  /** started_at of the newest reclaimed row, null when nothing was reclaimed. */
  lastReclaimedAt: string | null;
}

export interface BucketBreakdown extends BreakdownBase {
  profileId: string;
  bucket: string;
}

export interface ProfileBreakdown extends BreakdownBase {
  profileId: string;
  /** The endpoint host of the profile's newest attempt. */
  endpointHost: string;
}

export interface ActorBreakdown extends BreakdownBase {
  actorEmail: string;
}

export interface DayPoint extends ReclaimedSum {
  /** UTC day, "YYYY-MM-DD". */
  day: string;
}

/** Distinct values present in the ledger, for the filter controls. */
export interface HistoryFacets {
  profiles: string[];
  buckets: string[];
  actors: string[];
}

export interface HistoryOverview {
  totals: HistoryTotals;
  byBucket: BucketBreakdown[];
  byProfile: ProfileBreakdown[];
  byActor: ActorBreakdown[];
  perDay: DayPoint[];
  facets: HistoryFacets;
}

/** "needs-attention" = failed, verify-failed, denied or unknown. */
export type OutcomeFilter = LedgerOutcome | "needs-attention";

export interface HistoryFilter {
  outcome?: OutcomeFilter;
  profileId?: string;
  bucket?: string;
  /** The admin who made the attempt (exact email). */
  actorEmail?: string;
  /** First UTC day included, "YYYY-MM-DD". */
  from?: string;
  /** Last UTC day included, "YYYY-MM-DD". */
  to?: string;
}

export interface AttemptPage {
  entries: LedgerEntry[];
  /** Rows matching the filter (all pages). */
  total: number;
  /** 1-based, clamped to the last page. */
  page: number;
  pageSize: number;
  pageCount: number;
}

/** The history overview with what the reclaimed bytes would cost per month (lib/ledger/cost-avoided.ts). */
export interface PricedHistoryOverview extends HistoryOverview {
  byBucket: (BucketBreakdown & { costAvoided: MonthlyAmount | null })[];
  byProfile: (ProfileBreakdown & { costAvoided: MonthlyAmount | null })[];
  costAvoided: {
    /** Per currency, over every priced profile. */
    total: MoneyTotals;
    /** Reclaimed bytes of profiles with no price (unset, or no longer configured). */
    unpricedBytes: number;
  };
}

// Cleanup policies: a bulk selection that runs on a schedule, as a dry run ("report") or as a
// bulk job ("abort"), with caps and a report. Plain data, safe to send to the browser.
import type { BulkPreview, BulkSelection } from "@/lib/jobs/types";

export type PolicyMode = "report" | "abort";

/** The uploads a policy covers: a bulk job's filter (never a list of chosen uploads). */
export type PolicySelection = Omit<BulkSelection, "refs" | "origin">;

/** What an admin sets. */
export interface PolicyInput {
  name: string;
  profileId: string;
  selection: PolicySelection;
  /** Cron expression, 5 fields (minute precision) or 6 (seconds first). */
  schedule: string;
  /** IANA time zone the schedule is read in, e.g. "Europe/Paris". */
  timeZone: string;
  mode: PolicyMode;
  /** Above this many matching uploads an abort run stops before aborting anything. */
  maxUploads: number;
  /** Above this many bytes an abort run stops before aborting anything. */
  maxBytes: number;
  /** A report run notifies only when more than this many uploads match. */
  notifyAbove: number;
  /** Ids of the configured webhooks told about each run. */
  webhooks: string[];
}

export interface Policy extends PolicyInput {
  id: string;
  enabled: boolean;
  /** The newest schedule slot already handled: the next run is the first slot after it. */
  handledUntil: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  updatedById: string | null;
}

/** Why a run started: its schedule, a slot missed while the server was down, or "Run now". */
export type RunTrigger = "schedule" | "missed" | "manual";

export type RunStatus =
  | "running"
  /** A report run finished: nothing was aborted. */
  | "reported"
  /** An abort run finished: every selected upload was aborted and proven gone (or already gone). */
  | "done"
  /** An abort run finished, but some uploads were not aborted, not proven gone, or left because they looked active. */
  | "finished-with-failures"
  /** Stopped before aborting anything: the selection was above the policy's cap. */
  | "capped"
  /** The policy was paused or deleted while its job ran: the rest was left untouched. */
  | "stopped"
  /** The run could not list the uploads or start its job. */
  | "failed"
  /** The server stopped while the run was going. */
  | "interrupted";

export interface PolicyRun {
  id: string;
  policyId: string;
  policyName: string;
  trigger: RunTrigger;
  mode: PolicyMode;
  /** The schedule slot it ran for (ISO); null for "Run now". */
  scheduledFor: string | null;
  /** Who pressed "Run now"; null for scheduled runs. */
  startedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  /** Why it stopped or what it found; a sentence for a person. */
  message: string | null;
  /** Matching uploads that did not look active (what an abort run aborts). */
  matchedUploads: number | null;
  matchedBytes: number | null;
  /** Matching uploads left out because they looked active. */
  activeExcluded: number | null;
  /** The bulk job of an abort run. */
  jobId: string | null;
  /** From the bulk job, when there is one. */
  reclaimedUploads: number | null;
  reclaimedBytes: number | null;
}

export type WebhookFormat = "json" | "slack";

/** A configured webhook as the browser may see it: never its URL, only its host. */
export interface WebhookView {
  id: string;
  format: WebhookFormat;
  host: string;
}

export type DeliveryStatus = "sending" | "retrying" | "delivered" | "failed";

export interface WebhookDelivery {
  id: number;
  runId: string;
  policyId: string;
  webhookId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  /** HTTP status of the last answer; null when no answer came. */
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A policy with what the list shows beside it. */
export interface PolicyView {
  policy: Policy;
  /** The next scheduled run (ISO); null while paused or when the schedule never fires again. */
  nextRunAt: string | null;
  lastRun: PolicyRun | null;
  /** A run is going now (its lease is held). */
  running: boolean;
  /** Deliveries of the last runs that failed for good. */
  failedDeliveries: number;
}

export interface PolicyRunReport {
  run: PolicyRun;
  /** The run still holds its policy's lease: working, or sending its webhooks. */
  active: boolean;
  /** What the run found: the dry run it made before aborting (or instead of it). */
  found: BulkPreview | null;
  deliveries: WebhookDelivery[];
}

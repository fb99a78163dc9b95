// What a webhook receives after a policy run: one JSON summary, sent as it is ("json") or as
// a Slack-compatible `{ "text": … }` message ("slack"). Pure: built from the run and its job.
import type { BulkJob } from "@/lib/jobs/types";
import { formatBytes, plural } from "@/lib/format";
import type { Policy, PolicyRun, WebhookFormat } from "@/lib/policies/types";

const RUN_EVENT = "policy-run";

export interface RunSummary {
  event: typeof RUN_EVENT;
  policy: { id: string; name: string; mode: Policy["mode"]; profileId: string; setBy: string };
  run: Pick<PolicyRun, "id" | "trigger" | "status" | "scheduledFor" | "startedAt" | "finishedAt" | "message">;
  /** Matching uploads that did not look active; null when the listing failed. */
  matched: { uploads: number; bytes: number } | null;
  /** Matching uploads left out because they looked active. */
  activeExcluded: number | null;
  /** The bulk job of an abort run. */
  job: {
    id: string;
    status: BulkJob["status"];
    reclaimed: number;
    alreadyGone: number;
    failed: number;
    skipped: number;
    notAttempted: number;
    bytesReclaimed: number;
  } | null;
  /** The run's report in the dashboard; null when no public URL is configured. */
  url: string | null;
}

export function runSummary(policy: Policy, run: PolicyRun, job: BulkJob | null, baseUrl: string | null): RunSummary {
  const url = baseUrl ? `${baseUrl.replace(/\/+$/, "")}/policies?policy=${encodeURIComponent(policy.id)}&run=${encodeURIComponent(run.id)}` : null;
  return {
    event: RUN_EVENT,
    policy: { id: policy.id, name: policy.name, mode: run.mode, profileId: policy.profileId, setBy: policy.updatedBy },
    run: {
      id: run.id,
      trigger: run.trigger,
      status: run.status,
      scheduledFor: run.scheduledFor,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      message: run.message,
    },
    matched: run.matchedUploads === null ? null : { uploads: run.matchedUploads, bytes: run.matchedBytes ?? 0 },
    activeExcluded: run.activeExcluded,
    job: job
      ? {
          id: job.id,
          status: job.status,
          reclaimed: job.counts.reclaimed,
          alreadyGone: job.counts["already-gone"],
          failed: job.counts["verify-failed"] + job.counts.denied + job.counts.failed + job.counts.interrupted,
          // Left untouched: active again right before the abort, or not started after a stop.
          skipped: job.counts["skipped-active"] + job.counts.skipped,
          notAttempted: job.counts["not-attempted"],
          bytesReclaimed: job.bytesReclaimed,
        }
      : null,
    url,
  };
}

const TRIGGER_TEXT: Record<PolicyRun["trigger"], string> = {
  schedule: "scheduled run",
  missed: "run missed while the server was down",
  manual: "run started by hand",
};

/** One or two sentences saying what the run did. */
function summaryText(summary: RunSummary): string {
  const { run, matched, job } = summary;
  const found = matched ? `${plural(matched.uploads, "upload")} (${formatBytes(matched.bytes)})` : null;
  const active = summary.activeExcluded ? `; ${plural(summary.activeExcluded, "more looks", "more look")} active and ${summary.activeExcluded === 1 ? "was" : "were"} left out` : "";
  switch (run.status) {
    case "reported":
      return `Found ${found ?? "no"} idle enough to abort${active}. Nothing was aborted: this policy only reports.`;
    case "done":
    case "finished-with-failures": {
      if (!job) return `Nothing matched${active}.`;
      const problems = [
        job.failed ? `${job.failed} failed` : null,
        job.skipped ? `${job.skipped} skipped (looked active right before the abort)` : null,
        job.notAttempted ? `${job.notAttempted} not attempted` : null,
        job.alreadyGone ? `${job.alreadyGone} already gone` : null,
      ].filter(Boolean);
      return `Reclaimed ${plural(job.reclaimed, "upload")} (${formatBytes(job.bytesReclaimed)}) of ${found ?? "the selection"}${problems.length ? `; ${problems.join(", ")}` : ""}${active}.`;
    }
    default:
      return run.message ?? `The run ended: ${run.status}.`;
  }
}

/** A Slack incoming-webhook message: `text` with mrkdwn (bold name, link to the report). */
export function slackText(summary: RunSummary): string {
  const head = `Reclaim policy *${summary.policy.name}* (${summary.policy.mode}, ${TRIGGER_TEXT[summary.run.trigger]} on ${summary.policy.profileId})`;
  const link = summary.url ? ` <${summary.url}|Open the report>` : "";
  return `${head}: ${summaryText(summary)}${link}`;
}

export function payloadFor(format: WebhookFormat, summary: RunSummary): unknown {
  return format === "slack" ? { text: slackText(summary) } : { ...summary, text: summaryText(summary) };
}

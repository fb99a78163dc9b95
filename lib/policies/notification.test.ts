import { describe, expect, it } from "vitest";
import { emptyCounts } from "@/lib/jobs/status";
import type { BulkJob } from "@/lib/jobs/types";
import { payloadFor, runSummary, slackText } from "@/lib/policies/notification";
import type { Policy, PolicyRun } from "@/lib/policies/types";

const policy: Policy = {
  id: "p1",
  name: "nightly-logs",
  profileId: "local",
  selection: { profileId: "local", activeWithinMinutes: 60 },
  schedule: "0 2 * * *",
  timeZone: "UTC",
  mode: "abort",
  maxUploads: 1000,
  maxBytes: 1024 ** 4,
  notifyAbove: 0,
  webhooks: ["ops"],
  enabled: true,
  handledUntil: "2026-12-03T02:00:00.000Z",
  createdAt: "2026-12-01T10:00:00.000Z",
  createdBy: "ops@example.com",
  updatedAt: "2026-12-01T10:00:00.000Z",
  updatedBy: "ops@example.com",
  updatedById: "u1",
};

const run: PolicyRun = {
  id: "r1",
  policyId: "p1",
  policyName: "nightly-logs",
  trigger: "schedule",
  mode: "abort",
  scheduledFor: "2026-12-03T02:00:00.000Z",
  startedBy: null,
  startedAt: "2026-12-03T02:00:00.100Z",
  finishedAt: "2026-12-03T02:00:09.000Z",
  status: "done",
  message: "Done. 1 upload was skipped: they became active after the preview (a part arrived within the activity window), so they were left untouched.",
  matchedUploads: 4,
  matchedBytes: 4 * 1024 ** 2,
  activeExcluded: 2,
  jobId: "j1",
  reclaimedUploads: 3,
  reclaimedBytes: 3 * 1024 ** 2,
};

const job = {
  id: "j1",
  status: "done",
  counts: { ...emptyCounts(), reclaimed: 3, "skipped-active": 1 },
  bytesReclaimed: 3 * 1024 ** 2,
} as BulkJob;

describe("run summary", () => {
  it("carries the policy, the run, what matched and what the job did, and a link to the report", () => {
    const summary = runSummary(policy, run, job, "https://reclaim.example.com/");
    expect(summary).toMatchObject({
      event: "policy-run",
      policy: { id: "p1", name: "nightly-logs", mode: "abort", profileId: "local", setBy: "ops@example.com" },
      run: { id: "r1", trigger: "schedule", status: "done" },
      matched: { uploads: 4, bytes: 4 * 1024 ** 2 },
      activeExcluded: 2,
      job: { id: "j1", reclaimed: 3, skipped: 1, failed: 0, bytesReclaimed: 3 * 1024 ** 2 },
      url: "https://reclaim.example.com/policies?policy=p1&run=r1",
    });
  });

  it("as Slack text: one line with the name, what happened and the link", () => {
    const text = slackText(runSummary(policy, run, job, "https://reclaim.example.com"));
    expect(text).toBe(
      "Reclaim policy *nightly-logs* (abort, scheduled run on local): Reclaimed 3 uploads (3.0 MiB) of 4 uploads (4.0 MiB); 1 skipped (looked active right before the abort); 2 more look active and were left out. <https://reclaim.example.com/policies?policy=p1&run=r1|Open the report>",
    );
    expect(payloadFor("slack", runSummary(policy, run, job, null))).toEqual({ text: expect.not.stringContaining("Open the report") });
  });

  it("says a report run aborted nothing", () => {
    const reported = runSummary({ ...policy, mode: "report" }, { ...run, mode: "report", status: "reported", jobId: null, activeExcluded: 0 }, null, null);
    expect(payloadFor("json", reported)).toMatchObject({ event: "policy-run", job: null, text: "Found 4 uploads (4.0 MiB) idle enough to abort. Nothing was aborted: this policy only reports." });
  });
});

import "server-only";
import { randomUUID } from "node:crypto";
import { fail, ok, type ActionResult } from "@/lib/action-result";
import { previewSelection } from "@/lib/jobs/preview";
import type { PreviewState } from "@/lib/jobs/types";
import { isLive, readLease } from "@/lib/lease";
import { policyFromForm, type PolicyForm } from "@/lib/policies/form";
import { leaseName, requestStop, runHoldsLease, startRun } from "@/lib/policies/run";
import { wakeScheduler } from "@/lib/policies/scheduler";
import { nextRunAt } from "@/lib/policies/schedule";
import {
  deletePolicyRow,
  DuplicatePolicyNameError,
  failedDeliveryCounts,
  getPolicy,
  getRunReport,
  insertPolicy,
  latestRuns,
  listDeliveries,
  listPolicies,
  listRuns,
  setPolicyEnabled,
  updatePolicy,
  type Editor,
} from "@/lib/policies/store";
import type { Policy, PolicyInput, PolicyRun, PolicyRunReport, PolicyView, WebhookDelivery, WebhookView } from "@/lib/policies/types";
import { listWebhookViews, loadWebhooks, WebhookConfigError } from "@/lib/policies/webhooks";
import { getProfile, UnknownProfileError } from "@/lib/profiles";
import { listBuckets } from "@/lib/s3/inventory";
import { ReclaimS3Error } from "@/lib/s3/errors";
import { withS3Cause } from "@/lib/s3/request-events";

// What app/actions/policies.ts calls. Every change is validated in full before anything is
// written: the form's rules (lib/policies/form.ts), then what only the server knows — the
// profile, its buckets and the configured webhooks. Bad input is a sentence; nothing is saved.

function joinErrors(errors: Record<string, string | undefined>): string {
  return Object.values(errors).filter(Boolean).join(" ");
}

/** The profile, its buckets and the webhooks a policy names must exist. */
async function serverProblems(input: PolicyInput): Promise<string | null> {
  let profile;
  try {
    profile = getProfile(input.profileId);
  } catch (error) {
    if (error instanceof UnknownProfileError) return `${error.message} Choose one of the configured profiles.`;
    throw error;
  }
  const wanted = input.selection.buckets ?? [];
  if (wanted.length > 0) {
    let names: Set<string>;
    try {
      names = new Set((await listBuckets(profile)).map((b) => b.name));
    } catch (error) {
      if (error instanceof ReclaimS3Error) return `The buckets of profile "${profile.id}" could not be listed to check the policy's buckets: ${error.detail.message}`;
      throw error;
    }
    const unknown = wanted.filter((b) => !names.has(b));
    if (unknown.length > 0) {
      return `${unknown.length === 1 ? "Bucket" : "Buckets"} ${unknown.map((b) => `"${b}"`).join(", ")} ${unknown.length === 1 ? "does" : "do"} not exist on profile "${profile.id}" (${profile.buckets ? "its configured buckets" : "ListBuckets"}: ${[...names].slice(0, 10).join(", ") || "none"}).`;
    }
  }
  let webhooks;
  try {
    webhooks = loadWebhooks();
  } catch (error) {
    if (error instanceof WebhookConfigError) return `The server's webhooks configuration is invalid, so no policy can be saved until it is fixed: ${error.detail}`;
    throw error;
  }
  const missing = input.webhooks.filter((id) => !webhooks.has(id));
  if (missing.length > 0) {
    return `No webhook named ${missing.map((id) => `"${id}"`).join(", ")} is configured on the server (configured: ${[...webhooks.keys()].join(", ") || "none"}).`;
  }
  return null;
}

async function validated(form: PolicyForm): Promise<ActionResult<PolicyInput>> {
  const parsed = policyFromForm(form);
  if (!parsed.ok) return fail("invalid-input", joinErrors(parsed.errors));
  const problem = await serverProblems(parsed.input);
  if (problem) return fail("invalid-input", problem);
  return ok(parsed.input);
}

function duplicateName(name: string) {
  return fail("duplicate-name", `A policy named "${name}" already exists — choose another name.`);
}

export async function createPolicy(form: PolicyForm, editor: Editor): Promise<ActionResult<Policy>> {
  const input = await validated(form);
  if (!input.ok) return input;
  try {
    const policy = await insertPolicy(randomUUID(), input.data, editor);
    wakeScheduler();
    return ok(policy);
  } catch (error) {
    if (error instanceof DuplicatePolicyNameError) return duplicateName(input.data.name);
    throw error;
  }
}

export async function editPolicy(id: string, form: PolicyForm, editor: Editor): Promise<ActionResult<Policy>> {
  if (!(await getPolicy(id))) return fail("not-found", "No policy with this id — it may have been deleted.");
  const input = await validated(form);
  if (!input.ok) return input;
  try {
    const policy = await updatePolicy(id, input.data, editor);
    if (!policy) return fail("not-found", "No policy with this id — it may have been deleted.");
    wakeScheduler();
    return ok(policy);
  } catch (error) {
    if (error instanceof DuplicatePolicyNameError) return duplicateName(input.data.name);
    throw error;
  }
}

/** Pauses (a run going stops at its next item) or resumes (from the next slot on). */
export async function setPolicyPaused(id: string, paused: boolean, editor: Editor): Promise<ActionResult<Policy>> {
  const policy = await setPolicyEnabled(id, !paused, editor);
  if (!policy) return fail("not-found", "No policy with this id — it may have been deleted.");
  if (paused) requestStop(id, `the policy was paused by ${editor.email}`);
  wakeScheduler();
  return ok(policy);
}

/** Deletes the policy (a run going stops at its next item); its jobs and ledger rows stay. */
export async function deletePolicy(id: string, editor: Editor): Promise<ActionResult<{ id: string }>> {
  requestStop(id, `the policy was deleted by ${editor.email}`);
  if (!(await deletePolicyRow(id))) return fail("not-found", "No policy with this id — it may have been deleted.");
  return ok({ id });
}

export async function runPolicyNow(id: string, user: { email: string }): Promise<ActionResult<PolicyRun>> {
  return startRun(id, "manual", { startedBy: user.email });
}

/** A dry run of the policy's selection now, as the bulk page shows one (nothing is recorded). */
export async function previewPolicy(id: string, userId: string): Promise<ActionResult<PreviewState>> {
  const policy = await getPolicy(id);
  if (!policy) return fail("not-found", "No policy with this id — it may have been deleted.");
  const profile = getProfile(policy.profileId);
  // Its listing is billed to "policy", not to the bulk page's dry runs.
  return ok(await withS3Cause("policy", () => previewSelection(profile, { ...policy.selection, profileId: policy.profileId }, userId)));
}

export async function policyViews(now = new Date()): Promise<PolicyView[]> {
  const [policies, last, failed] = await Promise.all([listPolicies(), latestRuns(), failedDeliveryCounts()]);
  return Promise.all(
    policies.map(async (policy) => {
      const lease = await readLease(leaseName(policy.id));
      return {
        policy,
        nextRunAt: policy.enabled ? (nextRunAt(policy, now)?.toISOString() ?? null) : null,
        lastRun: last.get(policy.id) ?? null,
        running: isLive(lease, now),
        failedDeliveries: failed.get(policy.id) ?? 0,
      };
    }),
  );
}

export interface PolicyDetail {
  runs: PolicyRun[];
  deliveries: WebhookDelivery[];
}

export async function policyDetail(id: string): Promise<ActionResult<PolicyDetail>> {
  if (!(await getPolicy(id))) return fail("not-found", "No policy with this id — it may have been deleted.");
  const [runs, deliveries] = await Promise.all([listRuns(id, 30), listDeliveries({ policyId: id, limit: 50 })]);
  return ok({ runs, deliveries });
}

export async function runReport(runId: string): Promise<ActionResult<PolicyRunReport>> {
  const report = await getRunReport(runId);
  if (!report) return fail("not-found", "No run with this id — its policy may have been deleted.");
  const active = runHoldsLease(await readLease(leaseName(report.run.policyId)), runId);
  return ok({ ...report, active, deliveries: await listDeliveries({ runId }) });
}

/** The webhooks a policy can notify; a broken configuration is reported, not thrown. */
export function webhookChoices(): { webhooks: WebhookView[]; problem: string | null } {
  try {
    return { webhooks: listWebhookViews(), problem: null };
  } catch (error) {
    if (error instanceof WebhookConfigError) return { webhooks: [], problem: `The server's webhooks configuration is invalid: ${error.detail}` };
    throw error;
  }
}

"use server";

import { z } from "zod";
import { ok } from "@/lib/action-result";
import { listPublicProfiles } from "@/lib/profiles";
import {
  createPolicy,
  deletePolicy,
  editPolicy,
  policyDetail,
  policyViews,
  previewPolicy,
  runPolicyNow,
  runReport,
  setPolicyPaused,
  webhookChoices,
} from "@/lib/policies/service";
import { defineAction } from "@/lib/safe-action";

// Cleanup policies. Thin: parse → authorize (defineAction) → lib/policies → typed result.
// Viewers see policies, runs and reports and may preview; changing or running one is admin.

const id = z.uuid("Not a valid id.");
const text = (max: number) => z.string().max(max, `At most ${max} characters.`);

const policyFormSchema = z.object({
  name: text(200),
  profileId: text(100),
  filter: z.object({
    buckets: z.array(text(255)).max(1000),
    key: text(1024),
    keyMatch: z.enum(["prefix", "contains"]),
    minAge: text(50),
    minSize: text(50),
    idle: text(50),
    active: text(50),
  }),
  schedule: text(200),
  timeZone: text(100),
  mode: z.enum(["report", "abort"], "Choose report (dry run only) or abort."),
  maxUploads: text(50),
  maxSize: text(50),
  notifyAbove: text(50),
  webhooks: z.array(text(100)).max(50),
});

/** The list with next runs and last outcomes, and what the form can offer. */
export const listPoliciesAction = defineAction({ input: z.object({}), role: "viewer" }, async () => {
  const { webhooks, problem } = webhookChoices();
  return ok({ policies: await policyViews(), webhooks, webhookProblem: problem, profiles: listPublicProfiles() });
});

export const getPolicyDetailAction = defineAction({ input: z.object({ policyId: id }), role: "viewer" }, async ({ policyId }) => policyDetail(policyId));

export const getRunReportAction = defineAction({ input: z.object({ runId: id }), role: "viewer" }, async ({ runId }) => runReport(runId));

export const createPolicyAction = defineAction({ input: z.object({ form: policyFormSchema }), role: "admin" }, async ({ form }, { user }) =>
  createPolicy(form, { id: user.id, email: user.email }),
);

export const updatePolicyAction = defineAction(
  { input: z.object({ policyId: id, form: policyFormSchema }), role: "admin" },
  async ({ policyId, form }, { user }) => editPolicy(policyId, form, { id: user.id, email: user.email }),
);

export const pausePolicyAction = defineAction(
  { input: z.object({ policyId: id, paused: z.boolean() }), role: "admin" },
  async ({ policyId, paused }, { user }) => setPolicyPaused(policyId, paused, { id: user.id, email: user.email }),
);

export const deletePolicyAction = defineAction({ input: z.object({ policyId: id }), role: "admin" }, async ({ policyId }, { user }) =>
  deletePolicy(policyId, { id: user.id, email: user.email }),
);

export const runPolicyNowAction = defineAction({ input: z.object({ policyId: id }), role: "admin" }, async ({ policyId }, { user }) =>
  runPolicyNow(policyId, user),
);

/** A dry run of the policy now; polled like a bulk preview (getBulkPreview). Read-only. */
export const previewPolicyAction = defineAction({ input: z.object({ policyId: id }), role: "viewer" }, async ({ policyId }, { user }) =>
  previewPolicy(policyId, user.id),
);

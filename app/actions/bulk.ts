"use server";

import { z } from "zod";
import { fail, ok } from "@/lib/action-result";
import { getPreviewState, previewSelection } from "@/lib/jobs/preview";
import { cancelJob, readJob, recentJobs } from "@/lib/jobs/runner";
import { startJobFromPreview } from "@/lib/jobs/service";
import { listItems } from "@/lib/jobs/store";
import { ITEM_OUTCOMES } from "@/lib/jobs/types";
import { getProfile } from "@/lib/profiles";
import { bucketNameSchema, profileIdSchema, uploadRefSchema } from "@/lib/schemas";
import { defineAction } from "@/lib/safe-action";

// Bulk cleanup. Thin: parse → authorize (defineAction) → lib/jobs → typed result. Every
// action returns at once: previews resolve and jobs run on the server, the page polls.

const DAY_MS = 86_400_000;

const selectionSchema = z.object({
  profileId: profileIdSchema,
  buckets: z.array(bucketNameSchema).max(1000).optional(),
  key: z.string().min(1).max(1024).optional(),
  keyMatch: z.enum(["prefix", "contains"]).optional(),
  olderThanMs: z.number().int().min(0).max(3650 * DAY_MS).optional(),
  largerThanBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  idleForMs: z.number().int().min(0).max(3650 * DAY_MS).optional(),
  activeWithinMinutes: z.number().int().min(0).max(7 * 24 * 60),
  refs: z.array(uploadRefSchema).min(1).max(10_000).optional(),
  origin: z.object({ from: z.literal("table"), chosen: z.number().int().min(0).max(100_000_000) }).optional(),
});

const id = z.uuid("Not a valid id.");

/** Dry run; read-only, so viewers may look too. Answers "resolving" for big selections. */
export const previewBulk = defineAction({ input: selectionSchema, role: "viewer" }, async (selection, { user }) => {
  const profile = getProfile(selection.profileId);
  return ok(await previewSelection(profile, selection, user.id));
});

export const getBulkPreview = defineAction({ input: z.object({ previewId: id }), role: "viewer" }, async ({ previewId }, { user }) => {
  const state = getPreviewState(previewId, user.id);
  if (!state) return fail("preview-expired", "This preview has expired — preview again.");
  return ok(state);
});

/** Starts the job from a preview; the typed count must equal what the preview selects. */
export const startBulkJob = defineAction(
  {
    input: z.object({ previewId: id, includeActive: z.boolean(), confirmCount: z.number().int().min(0) }),
    role: "admin",
  },
  async ({ previewId, includeActive, confirmCount }, { user }) =>
    ok(startJobFromPreview({ previewId, includeActive, confirmCount, actor: { id: user.id, email: user.email } })),
);

const itemFilter = z.union([z.literal("all"), z.literal("problems"), z.literal("pending"), z.literal("running"), z.enum(ITEM_OUTCOMES)]);

export const getBulkJob = defineAction(
  {
    input: z.object({
      jobId: id,
      items: z.object({ filter: itemFilter, offset: z.number().int().min(0), limit: z.number().int().min(1).max(200) }).optional(),
    }),
    role: "viewer",
  },
  async ({ jobId, items }) => {
    const job = await readJob(jobId);
    if (!job) return fail("not-found", "No bulk job with this id — it may belong to another database.");
    return ok({ job, items: items ? await listItems(jobId, items) : null });
  },
);

export const cancelBulkJob = defineAction({ input: z.object({ jobId: id }), role: "admin" }, async ({ jobId }) => ok(cancelJob(jobId)));

export const listBulkJobs = defineAction(
  { input: z.object({ profileId: profileIdSchema.optional(), limit: z.number().int().min(1).max(100).default(20) }), role: "viewer" },
  async ({ profileId, limit }) => ok(await recentJobs({ profileId, limit })),
);

"use server";

import { z } from "zod";
import { defineAction, ok } from "@/lib/safe-action";
import { getProfile } from "@/lib/profiles";
import { bucketNameSchema, profileIdSchema, uploadRefSchema } from "@/lib/schemas";
import { cleanupStatus } from "@/lib/uploads/cleanup-status";
import { requestBill } from "@/lib/uploads/request-bill";
import { abortUpload, listUploadChanges, refreshVisibleParts, verifyUploads } from "@/lib/uploads/service";

// Thin: parse → authorize (defineAction) → lib → typed result.

/** Every upload of the profile, as the changes since the browser's cursor. */
export const listUploadsAction = defineAction(
  {
    input: z.object({
      profileId: profileIdSchema,
      since: z.object({ epoch: z.string().max(100), seq: z.number().int().nonnegative() }).optional(),
    }),
    role: "viewer",
  },
  async ({ profileId, since }) => ok(await listUploadChanges(getProfile(profileId), since)),
);

/** Parts for the rows in view (those due are re-read); at most a screenful or two per call. */
export const refreshPartsAction = defineAction(
  { input: z.object({ profileId: profileIdSchema, uploads: z.array(uploadRefSchema).max(300) }), role: "viewer" },
  async ({ profileId, uploads }) => ok(await refreshVisibleParts(getProfile(profileId), uploads)),
);

/** What the dashboard itself sent to this profile's endpoint in the last hour. */
export const requestBillAction = defineAction(
  { input: z.object({ profileId: profileIdSchema }), role: "viewer" },
  async ({ profileId }) => ok(requestBill(getProfile(profileId))),
);

export const verifyUploadsAction = defineAction(
  { input: z.object({ profileId: profileIdSchema, uploads: z.array(uploadRefSchema).max(300) }), role: "viewer" },
  async ({ profileId, uploads }) => ok(await verifyUploads(getProfile(profileId), uploads)),
);

export const abortUploadAction = defineAction(
  { input: z.object({ profileId: profileIdSchema, upload: uploadRefSchema }), role: "admin" },
  async ({ profileId, upload }, { user }) => ok(await abortUpload(getProfile(profileId), upload, user)),
);

/**
 * The header's "reclaimed so far", and the abort rules of the buckets the browser's rows are
 * in: it computes "not caught" from those rows itself.
 */
export const cleanupStatusAction = defineAction(
  {
    input: z.object({
      profileId: profileIdSchema,
      buckets: z.array(bucketNameSchema).max(1000, "At most 1,000 buckets at a time."),
    }),
    role: "viewer",
  },
  async ({ profileId, buckets }) => ok(await cleanupStatus(getProfile(profileId), buckets)),
);

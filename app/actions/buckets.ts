"use server";

import { z } from "zod";
import { defineAction, ok } from "@/lib/safe-action";
import { getProfile } from "@/lib/profiles";
import { profileIdSchema } from "@/lib/schemas";
import { listBuckets } from "@/lib/s3/inventory";

export const listBucketsAction = defineAction(
  { input: z.object({ profileId: profileIdSchema }), role: "viewer" },
  async ({ profileId }) => ok(await listBuckets(getProfile(profileId))),
);

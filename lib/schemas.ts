import { z } from "zod";
import { BUCKET_NAME_PATTERN, BUCKET_NAME_RULE, PROFILE_ID_PATTERN, PROFILE_ID_RULE } from "@/lib/names";

// Input schemas shared by the server actions (and the profiles file), so every entry point
// checks a profile id, a bucket name or an upload reference the same way.

export const profileIdSchema = z.string().regex(PROFILE_ID_PATTERN, PROFILE_ID_RULE);

export const bucketNameSchema = z
  .string()
  .min(1, "A bucket name is required.")
  .regex(BUCKET_NAME_PATTERN, BUCKET_NAME_RULE);

export const uploadRefSchema = z.object({
  bucket: bucketNameSchema,
  key: z.string().min(1).max(4096),
  uploadId: z.string().min(1).max(1024),
});

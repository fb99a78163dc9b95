import { ReclaimS3Error } from "@/lib/s3/errors";

/** The ReclaimS3Error a promise rejects with; fails the test on success or on any other error. */
export async function reclaimS3Error(promise: Promise<unknown>): Promise<ReclaimS3Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ReclaimS3Error) return error;
    throw error;
  }
  throw new Error("expected a ReclaimS3Error");
}

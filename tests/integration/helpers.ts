// Shared pieces of the lib/s3 integration tests: profiles for the real gateway (or a fault
// proxy in front of it) and scratch buckets that tests create and remove themselves.
import { randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { Profile } from "@/lib/profiles";
import type { UploadRef } from "@/lib/s3/types";
import { assertLoopback, profilesFile, readGateway } from "../support/gateway";
import { listUploads } from "../support/sdk";

// The global setup sets this in its own process; make sure this worker sees it too.
process.env.RECLAIM_PROFILES_FILE ??= profilesFile;

export const SEEDED_BUCKETS = ["reclaim-logs", "reclaim-media", "reclaim-backups", "reclaim-archive"];

/** A plain Profile for the gateway's admin (or restricted) user at any loopback endpoint. */
export function testProfile(id: string, options: { endpoint?: string; user?: "admin" | "restricted"; buckets?: string[] } = {}): Profile {
  const gateway = readGateway();
  const endpoint = options.endpoint ?? gateway.endpoint;
  assertLoopback(endpoint);
  const keys = gateway.users[options.user ?? "admin"];
  return {
    id,
    label: `test ${id}`,
    endpoint,
    region: gateway.region,
    forcePathStyle: true,
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    ...(options.buckets ? { buckets: options.buckets } : {}),
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export async function createBucket(raw: S3Client, bucket: string): Promise<void> {
  await raw.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** A fresh upload with `partSizes.length` parts of those sizes. */
export async function createUpload(raw: S3Client, bucket: string, key: string, partSizes: number[] = []): Promise<UploadRef> {
  const created = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error("CreateMultipartUpload returned no UploadId");
  for (const [index, size] of partSizes.entries()) {
    await raw.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: index + 1, Body: Buffer.alloc(size, index) }),
    );
  }
  return { bucket, key, uploadId };
}

/** What the raw SDK's ListParts says: a part count, or the error name (NoSuchKey on RGW). */
export async function rawListParts(raw: S3Client, ref: UploadRef): Promise<{ parts: number } | { error: string }> {
  try {
    const page = await raw.send(new ListPartsCommand({ Bucket: ref.bucket, Key: ref.key, UploadId: ref.uploadId }));
    return { parts: page.Parts?.length ?? 0 };
  } catch (error) {
    return { error: error instanceof Error ? error.name : String(error) };
  }
}

/** Aborts every upload, deletes every object, then the bucket. Best effort. */
export async function removeBucket(raw: S3Client, bucket: string): Promise<void> {
  try {
    for (const upload of await listUploads(raw, bucket)) {
      await raw.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId })).catch(() => undefined);
    }
    const objects = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const object of objects.Contents ?? []) {
      if (object.Key) await raw.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
    }
    await raw.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (error) {
    console.warn(`cleanup of ${bucket} failed:`, error instanceof Error ? error.name : error);
  }
}

export function key(ref: UploadRef): string {
  return `${ref.bucket}\u0000${ref.key}\u0000${ref.uploadId}`;
}

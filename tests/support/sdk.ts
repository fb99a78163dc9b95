// Test-side S3 calls with the raw SDK, paged the way the gateway needs (on IsTruncated; the
// markers must advance): what the app's numbers are checked against, and uploads to act on.
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, UploadPartCommand, type S3Client } from "@aws-sdk/client-s3";

export interface RawRef {
  bucket: string;
  key: string;
  uploadId: string;
}

/** An upload as ListMultipartUploads lists it. */
export interface RawUpload extends RawRef {
  initiated: Date | undefined;
}

/** Every incomplete upload of a bucket (under a prefix), over all pages. */
export async function listUploads(client: S3Client, bucket: string, prefix?: string): Promise<RawUpload[]> {
  const out: RawUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const answer = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const u of answer.Uploads ?? []) {
      if (u.Key !== undefined && u.UploadId) out.push({ bucket, key: u.Key, uploadId: u.UploadId, initiated: u.Initiated });
    }
    if (!answer.IsTruncated) return out;
    if (answer.NextKeyMarker === keyMarker && answer.NextUploadIdMarker === uploadIdMarker) throw new Error("ListMultipartUploads markers stuck");
    keyMarker = answer.NextKeyMarker;
    uploadIdMarker = answer.NextUploadIdMarker;
  }
  throw new Error("ListMultipartUploads did not end");
}

/** ListParts over all pages: distinct part numbers and their bytes. */
export async function countParts(client: S3Client, upload: RawRef): Promise<{ parts: number; bytes: number }> {
  const sizes = new Map<number, number>();
  let marker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const answer = await client.send(new ListPartsCommand({ Bucket: upload.bucket, Key: upload.key, UploadId: upload.uploadId, PartNumberMarker: marker }));
    for (const p of answer.Parts ?? []) if (p.PartNumber !== undefined) sizes.set(p.PartNumber, p.Size ?? 0);
    if (!answer.IsTruncated) break;
    marker = answer.NextPartNumberMarker;
  }
  return { parts: sizes.size, bytes: [...sizes.values()].reduce((a, b) => a + b, 0) };
}

/** A new upload of `key` with one part per size (4 KiB by default), written through the raw SDK. */
export async function createUploadWithParts(client: S3Client, bucket: string, key: string, partSizes: number[] = [4096]): Promise<RawRef> {
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId ?? "";
  for (const [i, size] of partSizes.entries()) {
    await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: Buffer.alloc(size, 1) }));
  }
  return { bucket, key, uploadId };
}

/** Whether the endpoint still lists the upload. */
export async function isListed(client: S3Client, upload: RawRef): Promise<boolean> {
  const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: upload.bucket, Prefix: upload.key }));
  return (listed.Uploads ?? []).some((u) => u.Key === upload.key && u.UploadId === upload.uploadId);
}

import "server-only";
import {
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  type ListMultipartUploadsCommandOutput,
  type ListPartsCommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { getEnv } from "@/lib/env";
import { BUCKET_NAME_PATTERN } from "@/lib/names";
import type { Profile } from "@/lib/profiles";
import { getS3Client } from "@/lib/s3/client";
import { AsyncQueue, Semaphore, batchAbortController, mapWithConcurrency } from "@/lib/s3/concurrency";
import { withS3Cause } from "@/lib/s3/request-events";
import { type ErrorContext, ReclaimS3Error, isUploadGoneError, pagerStuckError, toReclaimError } from "@/lib/s3/errors";
import {
  DEFAULT_MAX_UPLOAD_PAGES,
  type UploadsMarker,
  type UploadsPage,
  pageUploads,
  tallyAllParts,
} from "@/lib/s3/paging";
import type {
  BucketInventory,
  BucketSummary,
  InventoryTotals,
  ListedUpload,
  ReclaimError,
  UploadRef,
  UploadSummary,
} from "@/lib/s3/types";

// Inventory: every incomplete upload of a profile's buckets with its parts summarised.
// Streams events so a bucket with millions of uploads never sits whole in memory; one
// semaphore bounds the S3 requests in flight across all buckets and part lookups.

/** Buckets listed at once; requests are bounded separately by `concurrency`. */
const BUCKETS_AT_ONCE = 4;
/** Upload events buffered ahead of a slow consumer. */
const EVENT_BUFFER = 1_000;

export interface S3CallOptions {
  /** Use this client instead of the profile's shared one (tests: fault proxy, timeouts). */
  client?: S3Client;
  signal?: AbortSignal;
}

export interface InventoryOptions extends S3CallOptions {
  /** Only these buckets; default: the profile's buckets, else every bucket ListBuckets shows. */
  buckets?: string[];
  /** Only uploads whose key starts with this. */
  prefix?: string;
  /** S3 requests in flight at once (default RECLAIM_S3_CONCURRENCY). */
  concurrency?: number;
  /** ListMultipartUploads page cap per bucket. */
  maxPages?: number;
}

export type InventoryEvent =
  | { type: "upload"; upload: UploadSummary }
  | { type: "bucket-done"; bucket: BucketInventory }
  | { type: "done"; totals: InventoryTotals };

export interface Inventory {
  uploads: UploadSummary[];
  buckets: BucketInventory[];
  totals: InventoryTotals;
}

/** Parts of one upload as ListParts showed them just now. */
interface UploadParts {
  parts: number;
  bytes: number;
  lastPartAt: string | null;
  firstPartNumber: number | null;
  lastPartNumber: number | null;
  checkedAt: string;
}

export type UploadPartsResult =
  | { ref: UploadRef; status: "listed"; parts: UploadParts }
  /** NoSuchUpload / NoSuchKey: aborted or completed since it was listed. */
  | { ref: UploadRef; status: "gone"; checkedAt: string }
  | { ref: UploadRef; status: "error"; error: ReclaimError; checkedAt: string };


function invalidBucketNameError(bucket: string): ReclaimError {
  return {
    code: "invalid-bucket-name",
    message: `\`${bucket}\` is not a valid bucket name — fix the profile's bucket list.`,
    bucket,
  };
}

/** An invalid-bucket-name error for a name no S3 server accepts, else undefined. */
export function checkBucketName(bucket: string): ReclaimError | undefined {
  return BUCKET_NAME_PATTERN.test(bucket) ? undefined : invalidBucketNameError(bucket);
}

function ownerParam(profile: Profile): { ExpectedBucketOwner?: string } {
  return profile.expectedBucketOwner ? { ExpectedBucketOwner: profile.expectedBucketOwner } : {};
}

function nameOf(party: { DisplayName?: string; ID?: string } | undefined): string | null {
  return party?.DisplayName || party?.ID || null;
}

/** The buckets an inventory covers: the profile's list when set, else ListBuckets. */
export async function listBuckets(profile: Profile, options: S3CallOptions = {}): Promise<BucketSummary[]> {
  if (profile.buckets) return profile.buckets.map((name) => ({ name, createdAt: null }));
  const client = options.client ?? getS3Client(profile);
  const context: ErrorContext = { operation: "list-buckets", endpoint: profile.endpoint };
  const buckets: BucketSummary[] = [];
  const sentTokens = new Set<string>();
  let token: string | undefined;
  try {
    // ListBuckets pages only when the server supports ContinuationToken (AWS); guard anyway.
    do {
      // Listing buckets is part of a listing, unless an outer cause (a bulk job's) says otherwise.
      const page = await withS3Cause("listing", () =>
        client.send(new ListBucketsCommand({ ContinuationToken: token }), { abortSignal: options.signal }),
      );
      for (const bucket of page.Buckets ?? []) {
        if (bucket.Name) buckets.push({ name: bucket.Name, createdAt: bucket.CreationDate?.toISOString() ?? null });
      }
      token = page.ContinuationToken || undefined;
      if (token && sentTokens.has(token)) throw pagerStuckError(context, sentTokens.size + 1, token);
      if (token) sentTokens.add(token);
    } while (token);
  } catch (error) {
    throw new ReclaimS3Error(toReclaimError(error, context));
  }
  return buckets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function toListedUpload(upload: NonNullable<ListMultipartUploadsCommandOutput["Uploads"]>[number]): ListedUpload | undefined {
  if (upload.Key === undefined || !upload.UploadId) return undefined;
  return {
    key: upload.Key,
    uploadId: upload.UploadId,
    initiated: upload.Initiated?.toISOString() ?? null,
    storageClass: upload.StorageClass ?? null,
    initiator: nameOf(upload.Initiator),
    owner: nameOf(upload.Owner),
  };
}

/** One ListMultipartUploads page. Never Delimiter (RGW drops keys), never EncodingType. */
async function fetchUploadsPage(
  client: S3Client,
  profile: Profile,
  bucket: string,
  prefix: string | undefined,
  marker: UploadsMarker | undefined,
  signal: AbortSignal | undefined,
): Promise<UploadsPage> {
  const page = await client.send(
    new ListMultipartUploadsCommand({
      Bucket: bucket,
      Prefix: prefix || undefined,
      KeyMarker: marker?.keyMarker,
      UploadIdMarker: marker?.uploadIdMarker || undefined,
      ...ownerParam(profile),
    }),
    { abortSignal: signal },
  );
  const uploads: ListedUpload[] = [];
  for (const upload of page.Uploads ?? []) {
    const listed = toListedUpload(upload);
    if (listed) uploads.push(listed);
  }
  return {
    uploads,
    isTruncated: page.IsTruncated === true,
    nextKeyMarker: page.NextKeyMarker || undefined,
    nextUploadIdMarker: page.NextUploadIdMarker || undefined,
  };
}

function toPartsPage(page: ListPartsCommandOutput) {
  return {
    parts: (page.Parts ?? []).map((part) => ({
      partNumber: part.PartNumber,
      size: part.Size,
      lastModified: part.LastModified,
    })),
    isTruncated: page.IsTruncated === true,
    nextPartNumberMarker: page.NextPartNumberMarker || undefined,
  };
}

async function readUploadParts(
  client: S3Client,
  profile: Profile,
  ref: UploadRef,
  signal: AbortSignal | undefined,
): Promise<UploadPartsResult> {
  const context: ErrorContext = { operation: "list-parts", bucket: ref.bucket, key: ref.key, endpoint: profile.endpoint };
  // The parts are as of when the read began (a part written during it may be missing), and
  // the re-read schedule counts from then: a poll every refresh re-reads a row whose
  // in-view interval is just under the refresh, however long the read itself took.
  const startedAt = new Date().toISOString();
  try {
    const totals = await tallyAllParts(async (partNumberMarker) => {
      const page = await client.send(
        new ListPartsCommand({
          Bucket: ref.bucket,
          Key: ref.key,
          UploadId: ref.uploadId,
          PartNumberMarker: partNumberMarker,
          ...ownerParam(profile),
        }),
        { abortSignal: signal },
      );
      return toPartsPage(page);
    }, context);
    return {
      ref,
      status: "listed",
      parts: {
        parts: totals.parts,
        bytes: totals.bytes,
        lastPartAt: totals.lastPartAt?.toISOString() ?? null,
        firstPartNumber: totals.firstPartNumber,
        lastPartNumber: totals.lastPartNumber,
        checkedAt: startedAt,
      },
    };
  } catch (error) {
    const checkedAt = new Date().toISOString();
    if (isUploadGoneError(error)) return { ref, status: "gone", checkedAt };
    return { ref, status: "error", error: toReclaimError(error, context), checkedAt };
  }
}

/** ListParts over all pages for one upload (verification, live refresh of one row). */
export async function summarizeUploadParts(
  profile: Profile,
  ref: UploadRef,
  options: S3CallOptions = {},
): Promise<UploadPartsResult> {
  // Only the three identifying fields travel on, whatever else the caller's object holds.
  const plainRef: UploadRef = { bucket: ref.bucket, key: ref.key, uploadId: ref.uploadId };
  if (!BUCKET_NAME_PATTERN.test(ref.bucket)) {
    return { ref: plainRef, status: "error", error: invalidBucketNameError(ref.bucket), checkedAt: new Date().toISOString() };
  }
  return readUploadParts(options.client ?? getS3Client(profile), profile, plainRef, options.signal);
}

/** Parts of many uploads at bounded concurrency (the rows in view); results in input order. */
export async function refreshParts(
  profile: Profile,
  refs: readonly UploadRef[],
  concurrency: number = getEnv().RECLAIM_S3_CONCURRENCY,
  options: S3CallOptions & { onResult?: (result: UploadPartsResult) => void } = {},
): Promise<UploadPartsResult[]> {
  const { onResult, ...callOptions } = options;
  // Each result as it arrives, so a long scan shows progress instead of all at the end.
  const read = async (ref: UploadRef, signal?: AbortSignal) => {
    const result = await summarizeUploadParts(profile, ref, signal ? { ...callOptions, signal } : callOptions);
    onResult?.(result);
    return result;
  };
  if (!options.signal) return mapWithConcurrency(refs, concurrency, (ref) => read(ref));
  const { controller, dispose } = batchAbortController(options.signal);
  try {
    return await mapWithConcurrency(refs, concurrency, (ref) => read(ref, controller.signal));
  } finally {
    dispose();
  }
}

/**
 * The uploads of one bucket, page by page, without their parts (one request per page):
 * for a cheap re-listing. Throws ReclaimS3Error when the listing fails or loops.
 */
export async function* listBucketUploads(
  profile: Profile,
  bucket: string,
  options: S3CallOptions & { prefix?: string; maxPages?: number } = {},
): AsyncGenerator<ListedUpload[], void, undefined> {
  if (!BUCKET_NAME_PATTERN.test(bucket)) throw new ReclaimS3Error(invalidBucketNameError(bucket));
  const client = options.client ?? getS3Client(profile);
  const context: ErrorContext = { operation: "list-uploads", bucket, endpoint: profile.endpoint };
  try {
    yield* pageUploads(
      (marker) => fetchUploadsPage(client, profile, bucket, options.prefix, marker, options.signal),
      context,
      options.maxPages,
    );
  } catch (error) {
    throw new ReclaimS3Error(toReclaimError(error, context));
  }
}

/**
 * Whether ListMultipartUploads still shows this upload. Pages through every upload under
 * the key as prefix: RGW orders by "<key>.<uploadId>", so longer keys can list first.
 */
export async function isUploadListed(profile: Profile, ref: UploadRef, options: S3CallOptions = {}): Promise<boolean> {
  const client = options.client ?? getS3Client(profile);
  const context: ErrorContext = { operation: "list-uploads", bucket: ref.bucket, key: ref.key, endpoint: profile.endpoint };
  const pages = pageUploads(
    (marker) => fetchUploadsPage(client, profile, ref.bucket, ref.key, marker, options.signal),
    context,
  );
  for await (const uploads of pages) {
    if (uploads.some((u) => u.key === ref.key && u.uploadId === ref.uploadId)) return true;
  }
  return false;
}

function toUploadSummary(bucket: string, listed: ListedUpload, parts: UploadPartsResult): UploadSummary {
  const summary: UploadSummary = {
    bucket,
    ...listed,
    parts: 0,
    bytes: 0,
    lastPartAt: null,
    firstPartNumber: null,
    lastPartNumber: null,
    partsCheckedAt: parts.status === "listed" ? parts.parts.checkedAt : parts.checkedAt,
  };
  if (parts.status === "listed") {
    summary.parts = parts.parts.parts;
    summary.bytes = parts.parts.bytes;
    summary.lastPartAt = parts.parts.lastPartAt;
    summary.firstPartNumber = parts.parts.firstPartNumber;
    summary.lastPartNumber = parts.parts.lastPartNumber;
  } else if (parts.status === "error") {
    summary.partsError = parts.error;
  }
  return summary;
}

interface BucketRun {
  client: S3Client;
  profile: Profile;
  prefix: string | undefined;
  maxPages: number;
  requests: Semaphore;
  /** Set when the consumer left or the caller aborted: queued work is skipped. */
  stopped: AbortSignal;
  /** Passed to the SDK only when the caller gave a signal: listener bookkeeping on every
   * request costs CPU, and without one in-flight requests simply finish (≤ concurrency). */
  requestSignal: AbortSignal | undefined;
  queue: AsyncQueue<InventoryEvent>;
}

function cancelledError(): Error {
  return Object.assign(new Error("Inventory cancelled"), { name: "AbortError" });
}

/** Summaries of one page's uploads, emitted in listing order. Never rejects. */
async function emitPage(
  run: BucketRun,
  results: Promise<UploadSummary | undefined>[],
  into: BucketInventory,
  partsErrors: ReclaimError[],
): Promise<void> {
  for (const pending of results) {
    const upload = await pending;
    if (!upload) continue; // vanished between ListMultipartUploads and ListParts
    into.uploads++;
    into.parts += upload.parts;
    into.bytes += upload.bytes;
    if (upload.partsError) partsErrors.push(upload.partsError);
    if (!(await run.queue.push({ type: "upload", upload }))) return;
  }
}

async function inventoryBucket(run: BucketRun, bucket: string): Promise<BucketInventory> {
  const result: BucketInventory = { bucket, uploads: 0, parts: 0, bytes: 0, complete: true };
  if (!BUCKET_NAME_PATTERN.test(bucket)) {
    return { ...result, complete: false, error: invalidBucketNameError(bucket) };
  }
  const context: ErrorContext = { operation: "list-uploads", bucket, endpoint: run.profile.endpoint };
  const partsErrors: ReclaimError[] = [];
  // Page N is emitted while page N+1's part lookups run (and page N+2 is being listed), so
  // the request slots never idle at a page boundary; at most three pages are held per bucket.
  let emitting: Promise<void> = Promise.resolve();
  try {
    const pages = pageUploads(
      (marker) =>
        run.requests.run(async () => {
          if (run.stopped.aborted) throw cancelledError();
          return fetchUploadsPage(run.client, run.profile, bucket, run.prefix, marker, run.requestSignal);
        }, true),
      context,
      run.maxPages,
    );
    for await (const uploads of pages) {
      const summaries = uploads.map((listed) =>
        run.requests.run(async () => {
          if (run.stopped.aborted) return undefined;
          const parts = await readUploadParts(run.client, run.profile, { bucket, key: listed.key, uploadId: listed.uploadId }, run.requestSignal);
          return parts.status === "gone" ? undefined : toUploadSummary(bucket, listed, parts);
        }),
      );
      await emitting;
      emitting = emitPage(run, summaries, result, partsErrors);
    }
    await emitting;
  } catch (error) {
    await emitting;
    result.complete = false;
    // Once cancelled, whatever the request in flight threw (an AbortError, or a socket reset
    // as the SDK tore it down) is the cancellation, not an unreachable endpoint.
    result.error = toReclaimError(run.stopped.aborted ? cancelledError() : error, context);
  }
  if (run.stopped.aborted && !result.error) {
    // Cancelled: part lookups that never ran must not pass for uploads that vanished.
    result.complete = false;
    result.error = toReclaimError(cancelledError(), context);
  }
  const [firstPartsError] = partsErrors;
  if (firstPartsError && !result.error) {
    result.complete = false;
    const { key: _firstKey, ...bucketLevel } = firstPartsError;
    result.error = {
      ...bucketLevel,
      message: `Parts of ${partsErrors.length} upload${partsErrors.length === 1 ? "" : "s"} in \`${bucket}\` could not be listed; totals are a lower bound. First: ${firstPartsError.message}`,
    };
  }
  return result;
}

/**
 * Streams the inventory: an `upload` event per upload (in listing order within a bucket),
 * a `bucket-done` per bucket, and a final `done` with totals. A bucket that cannot be
 * listed reports its error on its `bucket-done` and the totals say `complete: false`.
 * Throws ReclaimS3Error only when the bucket list itself cannot be read.
 */
export async function* inventoryUploads(
  profile: Profile,
  options: InventoryOptions = {},
): AsyncGenerator<InventoryEvent, void, undefined> {
  const named = options.buckets ?? (await listBuckets(profile, options)).map((b) => b.name);
  const bucketNames = [...new Set(named)]; // a bucket named twice is listed once
  const concurrency = options.concurrency ?? getEnv().RECLAIM_S3_CONCURRENCY;
  const { controller: stop, dispose } = batchAbortController(options.signal);

  const queue = new AsyncQueue<InventoryEvent>(EVENT_BUFFER);
  const run: BucketRun = {
    client: options.client ?? getS3Client(profile),
    profile,
    prefix: options.prefix,
    maxPages: options.maxPages ?? DEFAULT_MAX_UPLOAD_PAGES,
    requests: new Semaphore(concurrency),
    stopped: stop.signal,
    requestSignal: options.signal ? stop.signal : undefined,
    queue,
  };
  const work = mapWithConcurrency(bucketNames, BUCKETS_AT_ONCE, async (bucket) => {
    const done = await inventoryBucket(run, bucket);
    await queue.push({ type: "bucket-done", bucket: done });
  }).finally(() => queue.end());
  work.catch(() => undefined); // awaited below; this only keeps an early exit from crashing Node

  const totals: InventoryTotals = { buckets: 0, uploads: 0, parts: 0, bytes: 0, failedBuckets: 0, complete: true };
  try {
    for await (const event of queue.drain()) {
      if (event.type === "bucket-done") {
        const bucket = event.bucket;
        totals.buckets++;
        totals.uploads += bucket.uploads;
        totals.parts += bucket.parts;
        totals.bytes += bucket.bytes;
        if (bucket.error) totals.failedBuckets++;
        if (!bucket.complete) totals.complete = false;
      }
      yield event;
    }
    await work;
    yield { type: "done", totals };
  } finally {
    // Finished, or the consumer stopped early: queued work is skipped from here on.
    dispose();
    queue.cancel();
    stop.abort();
  }
}

/** The whole inventory in memory, for callers that want one page of results. */
export async function collectInventory(profile: Profile, options: InventoryOptions = {}): Promise<Inventory> {
  const uploads: UploadSummary[] = [];
  const buckets: BucketInventory[] = [];
  for await (const event of inventoryUploads(profile, options)) {
    if (event.type === "upload") uploads.push(event.upload);
    else if (event.type === "bucket-done") buckets.push(event.bucket);
    else return { uploads, buckets, totals: event.totals };
  }
  throw new Error("inventoryUploads ended without totals"); // a bug, not an S3 failure
}

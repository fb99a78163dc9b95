import "server-only";
import { type ErrorContext, pageCapError, pagerStuckError } from "@/lib/s3/errors";
import type { ListedUpload } from "@/lib/s3/types";

// Guarded pagers for ListMultipartUploads and ListParts. Pure: each takes a function that
// fetches one page (already reshaped from the SDK), so the guards are unit-tested without a
// server. Rules (docs/s3-compatibility.md):
// - page on IsTruncated only: RGW sends pages shorter than MaxUploads while truncated;
// - a marker we already sent must never be sent again, else a buggy server loops us forever;
// - a page cap stops a listing that never ends.

/** Default page caps: 100,000 pages of 1,000 uploads; 10,000 parts need at most 10 pages. */
export const DEFAULT_MAX_UPLOAD_PAGES = 100_000;
const DEFAULT_MAX_PART_PAGES = 1_000;

export interface UploadsPage {
  uploads: ListedUpload[];
  isTruncated: boolean;
  nextKeyMarker: string | undefined;
  nextUploadIdMarker: string | undefined;
}

export interface UploadsMarker {
  keyMarker: string;
  uploadIdMarker: string;
}

export type FetchUploadsPage = (marker: UploadsMarker | undefined) => Promise<UploadsPage>;

function markerText(marker: UploadsMarker): string {
  return marker.uploadIdMarker ? `${marker.keyMarker} / ${marker.uploadIdMarker}` : marker.keyMarker;
}

/**
 * Where the next page starts. Both markers are sent: RGW, given a KeyMarker alone, lists
 * that key's uploads again. Without server markers the last listed upload is the marker.
 */
export function nextUploadsMarker(page: UploadsPage): UploadsMarker | undefined {
  if (page.nextKeyMarker) {
    return { keyMarker: page.nextKeyMarker, uploadIdMarker: page.nextUploadIdMarker ?? "" };
  }
  const last = page.uploads.at(-1);
  return last ? { keyMarker: last.key, uploadIdMarker: last.uploadId } : undefined;
}

/**
 * Every page of uploads, in order. A page is yielded only once its own next marker is
 * known to be new, so a looping server never makes us count the same uploads twice.
 * Markers are compared for repetition, not for order: RGW orders uploads by
 * "<key>.<uploadId>", so key "a.2" lists before key "a" and markers can go "backwards".
 * The next page is fetched while the caller works on the current one.
 */
export async function* pageUploads(
  fetchPage: FetchUploadsPage,
  context: ErrorContext,
  maxPages: number = DEFAULT_MAX_UPLOAD_PAGES,
): AsyncGenerator<ListedUpload[], void, undefined> {
  const sentMarkers = new Set<string>();
  let marker: UploadsMarker | undefined;
  let previousPage = new Set<string>();
  let pending: Promise<UploadsPage> | undefined = prefetch(fetchPage, undefined);
  for (let pageNumber = 1; pending; pageNumber++) {
    const page: UploadsPage = await pending;
    pending = undefined;
    // A page must start after its marker; an overlap with the page before (a server
    // repeating its boundary) would count uploads twice.
    const sent = marker;
    const uploads = page.uploads.filter((u) => !previousPage.has(uploadIdentity(u)) && !(sent && isAtMarker(u, sent)));
    previousPage = new Set(page.uploads.map(uploadIdentity));
    let capReached = false;
    if (page.isTruncated) {
      const next = nextUploadsMarker(page);
      if (!next) throw pagerStuckError(context, pageNumber, "(none)");
      const id = `${next.keyMarker}\u0000${next.uploadIdMarker}`;
      if (sentMarkers.has(id)) throw pagerStuckError(context, pageNumber, markerText(next));
      if (pageNumber < maxPages) {
        sentMarkers.add(id);
        marker = next;
        pending = prefetch(fetchPage, next);
      } else {
        capReached = true;
      }
    }
    yield uploads;
    if (capReached) throw pageCapError(context, pageNumber);
  }
}

/** Starts fetching a page now; a failure surfaces when the page is awaited, not before. */
function prefetch(fetchPage: FetchUploadsPage, marker: UploadsMarker | undefined): Promise<UploadsPage> {
  const page = fetchPage(marker);
  // Mark as handled: if the caller stops early nobody awaits it, and Node would crash on
  // an unhandled rejection.
  page.catch(() => undefined);
  return page;
}

function uploadIdentity(upload: ListedUpload): string {
  return `${upload.key}\u0000${upload.uploadId}`;
}

function isAtMarker(upload: ListedUpload, marker: UploadsMarker): boolean {
  return upload.key === marker.keyMarker && upload.uploadId === marker.uploadIdMarker;
}

export interface ListedPart {
  partNumber: number | undefined;
  size: number | undefined;
  lastModified: Date | undefined;
}

export interface PartsPage {
  parts: ListedPart[];
  isTruncated: boolean;
  nextPartNumberMarker: string | undefined;
}

export type FetchPartsPage = (partNumberMarker: string | undefined) => Promise<PartsPage>;

export interface PartsTotals {
  /** Distinct part numbers. */
  parts: number;
  bytes: number;
  lastPartAt: Date | null;
  firstPartNumber: number | null;
  lastPartNumber: number | null;
}

/**
 * Counts each part number once. A server may list a part twice (a re-upload racing the
 * listing, or a page boundary repeated): the copy with the newest LastModified wins, a tie
 * goes to the one listed last.
 */
export class PartTally {
  private readonly byNumber = new Map<number, { size: number; lastModified: Date | undefined }>();

  add(part: ListedPart): void {
    if (part.partNumber === undefined || !Number.isInteger(part.partNumber)) return;
    const seen = this.byNumber.get(part.partNumber);
    const candidate = { size: part.size ?? 0, lastModified: part.lastModified };
    if (!seen || timeOf(candidate.lastModified) >= timeOf(seen.lastModified)) {
      this.byNumber.set(part.partNumber, candidate);
    }
  }

  totals(): PartsTotals {
    let bytes = 0;
    let newest: Date | null = null;
    let first: number | null = null;
    let last: number | null = null;
    for (const [number, part] of this.byNumber) {
      bytes += part.size;
      if (part.lastModified && (!newest || part.lastModified > newest)) newest = part.lastModified;
      if (first === null || number < first) first = number;
      if (last === null || number > last) last = number;
    }
    return { parts: this.byNumber.size, bytes, lastPartAt: newest, firstPartNumber: first, lastPartNumber: last };
  }
}

function timeOf(date: Date | undefined): number {
  return date ? date.getTime() : Number.NEGATIVE_INFINITY;
}

/** The part number the next page starts after, or undefined when the server gave none. */
function nextPartMarker(page: PartsPage): number | undefined {
  const fromServer = Number(page.nextPartNumberMarker);
  if (page.nextPartNumberMarker && Number.isInteger(fromServer) && fromServer > 0) return fromServer;
  let highest: number | undefined;
  for (const part of page.parts) {
    if (part.partNumber !== undefined && (highest === undefined || part.partNumber > highest)) highest = part.partNumber;
  }
  return highest;
}

/**
 * All parts of one upload, summarised. Part numbers are ordered, so the marker must grow
 * strictly; NextPartNumberMarker "0" (RGW, no parts) only matters when IsTruncated is set.
 */
export async function tallyAllParts(
  fetchPage: FetchPartsPage,
  context: ErrorContext,
  maxPages: number = DEFAULT_MAX_PART_PAGES,
): Promise<PartsTotals> {
  const tally = new PartTally();
  let marker = 0;
  for (let pageNumber = 1; ; pageNumber++) {
    const page = await fetchPage(marker > 0 ? String(marker) : undefined);
    for (const part of page.parts) tally.add(part);
    if (!page.isTruncated) return tally.totals();
    const next = nextPartMarker(page);
    if (next === undefined || next <= marker) {
      throw pagerStuckError(context, pageNumber, page.nextPartNumberMarker ?? "(none)");
    }
    if (pageNumber >= maxPages) throw pageCapError(context, pageNumber);
    marker = next;
  }
}

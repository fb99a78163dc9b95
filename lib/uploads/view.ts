// The uploads view as the URL holds it (bucket, key text, minimum age and size, sort), so a
// view can be shared and reloaded: parsed with a note for every value ignored, written back
// short. Pure: no React.
import { parseDuration, parseSize } from "@/lib/units";

const sortColumns = [
  "bucket",
  "key",
  "uploadId",
  "initiated",
  "storageClass",
  "initiator",
  "parts",
  "bytes",
  "lastPart",
] as const;
export type SortColumn = (typeof sortColumns)[number];
export type SortDir = "asc" | "desc";

export interface UploadView {
  /** Only this bucket; null = all. */
  bucket: string | null;
  /** Key prefix or substring (case-insensitive); "" = any. */
  q: string;
  /** Minimum age as typed in canonical form ("7d"), and in ms; null = any. */
  minAge: { text: string; ms: number } | null;
  /** Minimum size in canonical form ("100MiB"), and in bytes; null = any. */
  minSize: { text: string; bytes: number } | null;
  sort: SortColumn;
  dir: SortDir;
}

/** A URL value that was ignored, and why (shown to the user). */
export interface ViewNote {
  param: "bucket" | "q" | "minAge" | "minSize" | "sort" | "dir";
  value: string;
  message: string;
}

export const defaultView: UploadView = {
  bucket: null,
  q: "",
  minAge: null,
  minSize: null,
  sort: "bytes",
  dir: "desc",
};

/** The direction a column sorts in when first clicked: big/old/recent things first. */
function defaultDirFor(column: SortColumn): SortDir {
  switch (column) {
    case "parts":
    case "bytes":
    case "lastPart":
      return "desc";
    default:
      return "asc";
  }
}

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function readParam(source: ParamSource, name: string): string | undefined {
  if (source instanceof URLSearchParams) return source.get(name) ?? undefined;
  const value = source[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads the view from the URL. Invalid values are ignored and reported, never thrown. */
export function parseView(source: ParamSource): { view: UploadView; notes: ViewNote[] } {
  const notes: ViewNote[] = [];
  const view: UploadView = { ...defaultView };

  const bucket = readParam(source, "bucket")?.trim();
  if (bucket) {
    if (bucket.length <= 255 && /^[A-Za-z0-9._-]+$/.test(bucket)) view.bucket = bucket;
    else
      notes.push({ param: "bucket", value: bucket, message: `"${bucket}" is not a bucket name.` });
  }

  const q = readParam(source, "q");
  if (q) view.q = q.slice(0, 1024);

  const minAge = readParam(source, "minAge")?.trim();
  if (minAge) {
    const parsed = parseDuration(minAge);
    if (parsed) view.minAge = parsed;
    else
      notes.push({
        param: "minAge",
        value: minAge,
        message: `Minimum age "${minAge}" was ignored — use a number and a unit: 30m, 12h, 7d or 2w.`,
      });
  }

  const minSize = readParam(source, "minSize")?.trim();
  if (minSize) {
    const parsed = parseSize(minSize);
    if (parsed) view.minSize = parsed;
    else
      notes.push({
        param: "minSize",
        value: minSize,
        message: `Minimum size "${minSize}" was ignored — use a number and a unit: 512KiB, 100MiB or 1GiB.`,
      });
  }

  const sort = readParam(source, "sort");
  let sortValid = false;
  if (sort) {
    if ((sortColumns as readonly string[]).includes(sort)) {
      view.sort = sort as SortColumn;
      view.dir = defaultDirFor(view.sort);
      sortValid = true;
    } else {
      notes.push({
        param: "sort",
        value: sort,
        message: `Sorting by "${sort}" is not possible — sorted by size instead.`,
      });
    }
  }

  const dir = readParam(source, "dir");
  if (dir) {
    if (dir === "asc" || dir === "desc") {
      if (sortValid || !sort) view.dir = dir;
    } else {
      notes.push({
        param: "dir",
        value: dir,
        message: `Sort direction "${dir}" was ignored — use asc or desc.`,
      });
    }
  }

  return { view, notes };
}

/**
 * Writes the view into URL params, keeping unrelated params (e.g. `profile`) and dropping
 * values equal to the default so URLs stay short.
 */
export function serializeView(view: UploadView, base?: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(base);
  for (const name of ["bucket", "q", "minAge", "minSize", "sort", "dir"]) params.delete(name);
  if (view.bucket) params.set("bucket", view.bucket);
  if (view.q) params.set("q", view.q);
  if (view.minAge) params.set("minAge", view.minAge.text);
  if (view.minSize) params.set("minSize", view.minSize.text);
  if (view.sort !== defaultView.sort || view.dir !== defaultView.dir) {
    params.set("sort", view.sort);
    params.set("dir", view.dir);
  }
  return params;
}

export function hasFilters(view: UploadView): boolean {
  return view.bucket !== null || view.q !== "" || view.minAge !== null || view.minSize !== null;
}

/** Clicking a column header: same column flips, another column starts at its default. */
export function toggleSort(view: UploadView, column: SortColumn): UploadView {
  if (view.sort === column) return { ...view, dir: view.dir === "asc" ? "desc" : "asc" };
  return { ...view, sort: column, dir: defaultDirFor(column) };
}

/**
 * A bucket filter naming a bucket the listing does not have is ignored with a note (once
 * the listing is known), so a stale shared link does not look like "no uploads".
 */
export function reconcileBucket(
  view: UploadView,
  knownBuckets: readonly string[],
): { view: UploadView; note: ViewNote | null } {
  if (!view.bucket || knownBuckets.includes(view.bucket)) return { view, note: null };
  return {
    view: { ...view, bucket: null },
    note: {
      param: "bucket",
      value: view.bucket,
      message: `Bucket "${view.bucket}" is not listed on this endpoint — showing all buckets.`,
    },
  };
}

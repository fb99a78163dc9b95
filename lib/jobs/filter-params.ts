// The bulk filter as URL parameters and form fields, and back. Pure and shared by the page
// (server), the form (browser) and the actions' validation, so it carries no "server-only".
//
// Parameter names and their parsing are the uploads table's (lib/uploads/view.ts: bucket,
// q = case-insensitive substring of the key, minAge "7d", minSize "100MiB"), so its current
// filter can link here; plus our own: several buckets, idle, match=prefix and active.
import { DEFAULT_ACTIVE_WITHIN_MINUTES, type BulkSelection, type KeyMatch } from "@/lib/jobs/types";
import { formatDurationParam, formatSizeParam, parseDuration, parseSize } from "@/lib/units";

/** The form's fields, as text (what the URL carries). */
export interface BulkFilterForm {
  buckets: string[];
  key: string;
  keyMatch: KeyMatch;
  minAge: string;
  minSize: string;
  idle: string;
  active: string;
}

export type FilterFieldErrors = Partial<Record<keyof BulkFilterForm, string>>;

type SearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

function all(params: SearchParams, name: string): string[] {
  if (params instanceof URLSearchParams) return params.getAll(name);
  const value = params[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function first(params: SearchParams, name: string): string {
  return all(params, name)[0]?.trim() ?? "";
}

/** Bucket names from `bucket=a&bucket=b` or `bucket=a,b`, de-duplicated, in order. */
export function parseBucketParam(values: string[]): string[] {
  const names = values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  return [...new Set(names)];
}

export function emptyFilterForm(): BulkFilterForm {
  return {
    buckets: [],
    key: "",
    keyMatch: "contains",
    minAge: "",
    minSize: "",
    idle: "",
    active: String(DEFAULT_ACTIVE_WITHIN_MINUTES),
  };
}

/** The form prefilled from `/bulk?bucket=…&q=…&minAge=…&minSize=…&idle=…&match=…&active=…`. */
export function formFromSearchParams(params: SearchParams): BulkFilterForm {
  const match = first(params, "match");
  const active = first(params, "active");
  return {
    buckets: parseBucketParam(all(params, "bucket")),
    key: all(params, "q")[0] ?? "",
    keyMatch: match === "prefix" ? "prefix" : "contains",
    minAge: first(params, "minAge"),
    minSize: first(params, "minSize"),
    idle: first(params, "idle"),
    active: active === "" ? String(DEFAULT_ACTIVE_WITHIN_MINUTES) : active,
  };
}

const MAX_ACTIVE_MINUTES = 7 * 24 * 60;

/** Validates the form; the errors name each bad field with an example of what works. */
export function selectionFromForm(
  profileId: string,
  form: BulkFilterForm,
): { ok: true; selection: BulkSelection } | { ok: false; errors: FilterFieldErrors } {
  const errors: FilterFieldErrors = {};
  const selection: BulkSelection = {
    profileId,
    activeWithinMinutes: DEFAULT_ACTIVE_WITHIN_MINUTES,
  };
  if (form.buckets.length > 0) selection.buckets = [...form.buckets];
  if (form.key !== "") {
    selection.key = form.key;
    selection.keyMatch = form.keyMatch;
  }
  if (form.minAge.trim()) {
    const ms = parseDuration(form.minAge)?.ms ?? null;
    if (ms === null) errors.minAge = "Write an age like 12h, 7d or 2w.";
    else selection.olderThanMs = ms;
  }
  if (form.minSize.trim()) {
    const bytes = parseSize(form.minSize)?.bytes ?? null;
    if (bytes === null) errors.minSize = "Write a size like 100MiB, 2GiB or 500MB.";
    else selection.largerThanBytes = bytes;
  }
  if (form.idle.trim()) {
    const ms = parseDuration(form.idle)?.ms ?? null;
    if (ms === null) errors.idle = "Write a duration like 30m, 12h or 3d.";
    else selection.idleForMs = ms;
  }
  const activeText = form.active.trim();
  const active = activeText === "" ? DEFAULT_ACTIVE_WITHIN_MINUTES : Number(activeText);
  if (!Number.isInteger(active) || active < 0 || active > MAX_ACTIVE_MINUTES) {
    errors.active = `Write whole minutes from 0 (off) to ${MAX_ACTIVE_MINUTES}.`;
  } else {
    selection.activeWithinMinutes = active;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, selection };
}

/** The URL of a selection: shareable, and "run the same filter again" after a job. */
export function searchParamsFromSelection(selection: BulkSelection): URLSearchParams {
  const params = new URLSearchParams();
  params.set("profile", selection.profileId);
  for (const bucket of selection.buckets ?? []) params.append("bucket", bucket);
  if (selection.key) {
    params.set("q", selection.key);
    if (selection.keyMatch === "prefix") params.set("match", "prefix");
  }
  if (selection.olderThanMs !== undefined)
    params.set("minAge", formatDurationParam(selection.olderThanMs));
  if (selection.largerThanBytes !== undefined)
    params.set("minSize", formatSizeParam(selection.largerThanBytes));
  if (selection.idleForMs !== undefined)
    params.set("idle", formatDurationParam(selection.idleForMs));
  if (selection.activeWithinMinutes !== DEFAULT_ACTIVE_WITHIN_MINUTES)
    params.set("active", String(selection.activeWithinMinutes));
  return params;
}

/** Short phrases for a selection: ["bucket `logs`", "key contains `tmp/`", "older than 7d"]. */
export function describeSelection(
  selection: BulkSelection,
  { activity = true }: { activity?: boolean } = {},
): string[] {
  const parts: string[] = [];
  if (selection.refs)
    parts.push(`${selection.refs.length} chosen upload${selection.refs.length === 1 ? "" : "s"}`);
  const buckets = selection.buckets ?? [];
  // Chosen uploads name their buckets themselves: "all buckets" would mislead.
  if (buckets.length === 0 && !selection.refs) parts.push("all buckets");
  else if (buckets.length > 0)
    parts.push(
      `${buckets.length === 1 ? "bucket" : "buckets"} ${buckets.map((b) => `\`${b}\``).join(", ")}`,
    );
  if (selection.key)
    parts.push(
      `key ${selection.keyMatch === "prefix" ? "starts with" : "contains"} \`${selection.key}\``,
    );
  if (selection.olderThanMs !== undefined)
    parts.push(`older than ${formatDurationParam(selection.olderThanMs)}`);
  if (selection.largerThanBytes !== undefined)
    parts.push(`at least ${formatSizeParam(selection.largerThanBytes)}`);
  if (selection.idleForMs !== undefined)
    parts.push(`idle for ${formatDurationParam(selection.idleForMs)}`);
  if (!activity) return parts;
  parts.push(
    selection.activeWithinMinutes > 0
      ? `active = activity in the last ${selection.activeWithinMinutes} min`
      : "no activity check",
  );
  return parts;
}

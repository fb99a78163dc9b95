import type { HistoryFilter, OutcomeFilter } from "@/lib/ledger/types";
import { BUCKET_NAME_PATTERN, PROFILE_ID_PATTERN } from "@/lib/names";

// The history view's filters live in the URL (shareable, reloadable). One parser and one
// serializer, used by the page, the CSV export route and the filter controls, so the list
// on screen and the exported file always describe the same rows. Pure: safe in the browser.

export const OUTCOME_FILTERS = [
  "needs-attention",
  "reclaimed",
  "already-gone",
  "gone-unknown",
  "verify-failed",
  "denied",
  "failed",
  "unknown",
] as const satisfies readonly OutcomeFilter[];

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export interface HistoryQuery {
  filter: HistoryFilter;
  page: number;
  /** Invalid parameters (left out of `filter`), one sentence each. */
  problems: string[];
}

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function read(source: ParamSource, name: string): string | undefined {
  const value = source instanceof URLSearchParams ? (source.get(name) ?? undefined) : source[name];
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

/** "YYYY-MM-DD" that is a real calendar day. */
export function isUtcDay(value: string): boolean {
  if (!DAY_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function isOutcomeFilter(value: string): value is OutcomeFilter {
  return (OUTCOME_FILTERS as readonly string[]).includes(value);
}

export function parseHistoryParams(source: ParamSource): HistoryQuery {
  const filter: HistoryFilter = {};
  const problems: string[] = [];

  const outcome = read(source, "outcome");
  if (outcome !== undefined) {
    if (isOutcomeFilter(outcome)) filter.outcome = outcome;
    else problems.push(`"${outcome}" is not an outcome.`);
  }
  const profile = read(source, "profile");
  if (profile !== undefined) {
    if (PROFILE_ID_PATTERN.test(profile)) filter.profileId = profile;
    else problems.push(`"${profile}" is not a profile id.`);
  }
  const bucket = read(source, "bucket");
  if (bucket !== undefined) {
    if (BUCKET_NAME_PATTERN.test(bucket)) filter.bucket = bucket;
    else problems.push(`"${bucket}" is not a bucket name.`);
  }
  const admin = read(source, "admin");
  if (admin !== undefined) {
    if (admin.length <= 320) filter.actorEmail = admin;
    else problems.push("The admin filter is too long.");
  }
  for (const name of ["from", "to"] as const) {
    const day = read(source, name);
    if (day === undefined) continue;
    if (isUtcDay(day)) filter[name] = day;
    else problems.push(`"${day}" is not a date (YYYY-MM-DD) for "${name}".`);
  }
  if (filter.from && filter.to && filter.from > filter.to) {
    [filter.from, filter.to] = [filter.to, filter.from];
  }

  const rawPage = read(source, "page");
  const page = rawPage && /^\d{1,6}$/.test(rawPage) ? Math.max(1, Number(rawPage)) : 1;
  return { filter, page, problems };
}

/** The URL parameters for a filter (and page, when past the first). */
function historyParams(filter: HistoryFilter, page = 1): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.outcome) params.set("outcome", filter.outcome);
  if (filter.profileId) params.set("profile", filter.profileId);
  if (filter.bucket) params.set("bucket", filter.bucket);
  if (filter.actorEmail) params.set("admin", filter.actorEmail);
  if (filter.from) params.set("from", filter.from);
  if (filter.to) params.set("to", filter.to);
  if (page > 1) params.set("page", String(page));
  return params;
}

function withQuery(path: string, params: URLSearchParams): string {
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

export function historyHref(filter: HistoryFilter, page = 1): string {
  return withQuery("/history", historyParams(filter, page));
}

export function exportHref(filter: HistoryFilter): string {
  return withQuery("/api/history/export", historyParams(filter));
}

export function hasFilters(filter: HistoryFilter): boolean {
  return Object.values(filter).some((value) => value !== undefined);
}

// The policy form's fields, as text, and the rules that turn them into a policy. Pure and
// plain: the browser shows these errors before sending, and the server action applies the
// same function again (then checks what only the server knows: profiles, buckets, webhooks).
//
// The selection is the bulk job's filter (lib/jobs/filter-params.ts), field for field.
import { emptyFilterForm, selectionFromForm, type BulkFilterForm, type FilterFieldErrors } from "@/lib/jobs/filter-params";
import { formatDurationParam, formatSizeParam, parseSize } from "@/lib/units";
import { PROFILE_ID_PATTERN, PROFILE_ID_RULE } from "@/lib/names";
import { scheduleProblem, timeZoneProblem } from "@/lib/policies/schedule";
import type { PolicyInput, PolicyMode } from "@/lib/policies/types";

export interface PolicyForm {
  name: string;
  profileId: string;
  filter: BulkFilterForm;
  schedule: string;
  timeZone: string;
  mode: PolicyMode;
  maxUploads: string;
  maxSize: string;
  notifyAbove: string;
  webhooks: string[];
}

type PolicyField = Exclude<keyof PolicyForm, "filter">;
export type PolicyFieldErrors = Partial<Record<PolicyField, string>> & FilterFieldErrors;

export const POLICY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
export const POLICY_NAME_RULE = "Names are 1–64 letters, digits, spaces, dots, hyphens and underscores, starting with a letter or digit.";
const MAX_UPLOADS_CAP = 1_000_000;
const MAX_NOTIFY_ABOVE = 100_000_000;

/** A new policy: a nightly report of uploads idle for 3 days and older than 7 days. */
export function emptyPolicyForm(profileId: string, webhooks: readonly string[] = [], timeZone = "UTC"): PolicyForm {
  return {
    name: "",
    profileId,
    filter: { ...emptyFilterForm(), minAge: "7d", idle: "3d", active: "60" },
    schedule: "0 2 * * *",
    timeZone,
    mode: "report",
    maxUploads: "1000",
    maxSize: "1TiB",
    notifyAbove: "0",
    webhooks: [...webhooks],
  };
}

/** The form holding an existing policy, to edit it. */
export function formFromPolicy(policy: PolicyInput): PolicyForm {
  const s = policy.selection;
  return {
    name: policy.name,
    profileId: policy.profileId,
    filter: {
      buckets: [...(s.buckets ?? [])],
      key: s.key ?? "",
      keyMatch: s.keyMatch ?? "contains",
      minAge: s.olderThanMs !== undefined ? formatDurationParam(s.olderThanMs) : "",
      minSize: s.largerThanBytes !== undefined ? formatSizeParam(s.largerThanBytes) : "",
      idle: s.idleForMs !== undefined ? formatDurationParam(s.idleForMs) : "",
      active: String(s.activeWithinMinutes),
    },
    schedule: policy.schedule,
    timeZone: policy.timeZone,
    mode: policy.mode,
    maxUploads: String(policy.maxUploads),
    maxSize: formatSizeParam(policy.maxBytes),
    notifyAbove: String(policy.notifyAbove),
    webhooks: [...policy.webhooks],
  };
}

function wholeNumber(text: string): number | null {
  const trimmed = text.trim().replace(/[,_\s]/g, "");
  return /^\d+$/.test(trimmed) ? Number(trimmed) : null;
}

/** Validates the form; each error names its field with an example of what works. */
export function policyFromForm(form: PolicyForm): { ok: true; input: PolicyInput } | { ok: false; errors: PolicyFieldErrors } {
  const errors: PolicyFieldErrors = {};
  const name = form.name.trim();
  if (!POLICY_NAME_PATTERN.test(name)) errors.name = name === "" ? "A name is required, e.g. nightly-logs." : POLICY_NAME_RULE;
  if (!PROFILE_ID_PATTERN.test(form.profileId)) errors.profileId = form.profileId === "" ? "Choose an endpoint profile." : PROFILE_ID_RULE;

  const selection = selectionFromForm(form.profileId, form.filter);
  if (!selection.ok) Object.assign(errors, selection.errors);
  else if (form.mode === "abort" && selection.selection.activeWithinMinutes < 1) {
    errors.active = "An abort policy needs an activity window of at least 1 minute: it never aborts an upload that looks active.";
  }

  const timeZone = form.timeZone.trim();
  const zoneProblem = timeZoneProblem(timeZone);
  if (zoneProblem) errors.timeZone = zoneProblem;
  const schedule = form.schedule.trim().replace(/\s+/g, " ");
  const scheduleError = scheduleProblem(schedule, timeZone);
  if (scheduleError) errors.schedule = scheduleError;

  if (form.mode !== "report" && form.mode !== "abort") errors.mode = "Choose report (dry run only) or abort.";

  const maxUploads = wholeNumber(form.maxUploads);
  if (maxUploads === null) errors.maxUploads = "Write a whole number of uploads, e.g. 1000.";
  else if (maxUploads < 1) errors.maxUploads = "The cap must be at least 1 upload: a cap of 0 would stop every run before it starts.";
  else if (maxUploads > MAX_UPLOADS_CAP) errors.maxUploads = `At most ${MAX_UPLOADS_CAP.toLocaleString("en-US")} uploads per run.`;

  const maxBytes = form.maxSize.trim() === "" ? null : (parseSize(form.maxSize)?.bytes ?? null);
  if (maxBytes === null) errors.maxSize = "Write a size like 500GiB, 1TiB or 2TB.";
  else if (maxBytes < 1) errors.maxSize = "The cap must be more than 0 bytes: a cap of 0 would stop every run before it starts.";

  const notifyAbove = form.notifyAbove.trim() === "" ? 0 : wholeNumber(form.notifyAbove);
  if (notifyAbove === null || notifyAbove > MAX_NOTIFY_ABOVE) errors.notifyAbove = "Write a whole number of uploads (0 = any).";

  const webhooks = [...new Set(form.webhooks.map((w) => w.trim()).filter(Boolean))];

  if (Object.keys(errors).length > 0 || !selection.ok || maxUploads === null || maxBytes === null || notifyAbove === null) {
    return { ok: false, errors };
  }
  const { refs: _refs, origin: _origin, ...policySelection } = selection.selection;
  return {
    ok: true,
    input: {
      name,
      profileId: form.profileId,
      selection: policySelection,
      schedule,
      timeZone,
      mode: form.mode,
      maxUploads,
      maxBytes,
      notifyAbove,
      webhooks,
    },
  };
}

/** "Report" / "Abort" with what it means, for lists and badges. */
export const MODE_TEXT: Record<PolicyMode, { label: string; hint: string }> = {
  report: { label: "Report", hint: "Dry run only: lists what matches and notifies; aborts nothing." },
  abort: { label: "Abort", hint: "Aborts the matching uploads that do not look active, verifies each, and reports." },
};

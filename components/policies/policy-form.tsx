"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState, type FormEvent } from "react";
import { bucketListQuery } from "@/components/buckets/queries";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useHydrated } from "@/components/ui/use-hydrated";
import { formatDateTime } from "@/lib/format";
import { MODE_TEXT, policyFromForm, type PolicyFieldErrors, type PolicyForm as PolicyFormFields } from "@/lib/policies/form";
import { nextSlot, scheduleProblem, timeZoneProblem } from "@/lib/policies/schedule";
import type { PolicyInput, PolicyMode, WebhookView } from "@/lib/policies/types";
import type { PublicProfile } from "@/lib/public-profile";

const selectClass = "h-9 w-full rounded-md border border-border bg-card px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring";

/** The next three slots of a valid schedule, as the admin types it. */
function upcoming(schedule: string, timeZone: string): string[] | null {
  if (timeZoneProblem(timeZone) || scheduleProblem(schedule, timeZone)) return null;
  const out: string[] = [];
  let after = new Date();
  for (let i = 0; i < 3; i++) {
    const next = nextSlot(schedule, timeZone, after);
    if (!next) break;
    out.push(formatDateTime(next.toISOString(), { seconds: next.getUTCSeconds() !== 0 }));
    after = next;
  }
  return out;
}

/** Create or edit a policy: checked here with the server's rules, then again by the server. */
export function PolicyForm({
  title,
  initial,
  profiles,
  webhooks,
  webhookProblem,
  pending,
  serverError,
  onSubmit,
  onCancel,
}: {
  title: string;
  initial: PolicyFormFields;
  profiles: PublicProfile[];
  webhooks: WebhookView[];
  webhookProblem: string | null;
  pending: boolean;
  serverError: string | null;
  onSubmit: (form: PolicyFormFields, input: PolicyInput) => void;
  onCancel: () => void;
}) {
  const hydrated = useHydrated();
  const headingId = useId();
  const zonesId = useId();
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<PolicyFieldErrors>({});
  const buckets = useQuery({ ...bucketListQuery(form.profileId), enabled: form.profileId !== "" });
  // A changed field drops its error: the hint (e.g. the next runs) shows again.
  const clearErrors = (keys: string[]) => setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !keys.includes(k))));
  const set = (patch: Partial<PolicyFormFields>) => {
    setForm((f) => ({ ...f, ...patch }));
    clearErrors(patch.mode ? [...Object.keys(patch), "active"] : Object.keys(patch));
  };
  const setFilter = (patch: Partial<PolicyFormFields["filter"]>) => {
    setForm((f) => ({ ...f, filter: { ...f.filter, ...patch } }));
    clearErrors(Object.keys(patch));
  };
  const next = useMemo(() => upcoming(form.schedule, form.timeZone), [form.schedule, form.timeZone]);
  const zones = useMemo(() => (typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : []), []);
  // Buckets named by the policy that the profile does not list (yet): kept, and shown.
  const listed = (buckets.data ?? []).map((b) => b.name);
  const bucketChoices = [...listed, ...form.filter.buckets.filter((b) => !listed.includes(b))];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = policyFromForm(form);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    onSubmit(form, parsed.input);
  }

  function toggleBucket(name: string, on: boolean) {
    setFilter({ buckets: on ? [...form.filter.buckets, name] : form.filter.buckets.filter((b) => b !== name) });
  }

  const errorCount = Object.values(errors).filter(Boolean).length;

  return (
    <Card aria-labelledby={headingId} className="p-4 sm:p-5">
      <form onSubmit={submit} noValidate className="flex flex-col gap-5" aria-label={title}>
        <fieldset disabled={!hydrated} className="contents">
          <div className="flex flex-col gap-0.5">
            <h2 id={headingId} className="text-base font-semibold">
              {title}
            </h2>
            <p className="text-xs text-muted-foreground">
              A policy runs a bulk selection on a schedule: as a report (dry run), or as a bulk job that aborts what matches and does not look active.
            </p>
          </div>

          <div className="grid gap-4 md:grid-cols-3">
            <Field label="Name" hint={'The ledger names it: policy "name" (set by you).'} error={errors.name}>
              {({ id, describedBy, invalid }) => (
                <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={form.name} placeholder="e.g. nightly-logs" autoComplete="off" onChange={(e) => set({ name: e.target.value })} />
              )}
            </Field>
            <Field label="Endpoint profile" error={errors.profileId}>
              {({ id, describedBy }) => (
                <select id={id} aria-describedby={describedBy} className={selectClass} value={form.profileId} onChange={(e) => set({ profileId: e.target.value, filter: { ...form.filter, buckets: [] } })}>
                  {profiles.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.label} ({p.endpointHost})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <fieldset className="flex flex-col gap-1">
              <legend className="mb-1 text-sm font-medium">Mode</legend>
              {(["report", "abort"] as PolicyMode[]).map((mode) => (
                <label key={mode} className="flex items-start gap-2 text-sm">
                  <input type="radio" name="mode" value={mode} checked={form.mode === mode} onChange={() => set({ mode })} className="mt-0.5 size-4 accent-primary" />
                  <span>
                    <span className="font-medium">{MODE_TEXT[mode].label}</span> <span className="text-xs text-muted-foreground">— {MODE_TEXT[mode].hint}</span>
                  </span>
                </label>
              ))}
              {errors.mode ? <p className="text-xs text-destructive">{errors.mode}</p> : null}
            </fieldset>
          </div>

          <section aria-labelledby={`${headingId}-uploads`} className="flex flex-col gap-3">
            <h3 id={`${headingId}-uploads`} className="text-sm font-semibold">
              Which uploads
            </h3>
            <fieldset className="flex flex-col gap-1">
              <legend className="mb-1 text-sm font-medium">Buckets</legend>
              {buckets.isError ? <p className="text-xs text-destructive">Could not list buckets: {buckets.error.message}</p> : null}
              <div className="flex max-h-40 flex-wrap gap-x-4 gap-y-1.5 overflow-y-auto rounded-md border border-border p-2">
                {bucketChoices.length === 0 ? <span className="text-xs text-muted-foreground">{buckets.isPending ? "Listing buckets…" : "No buckets."}</span> : null}
                {bucketChoices.map((name) => (
                  <label key={name} className="flex items-center gap-1.5 font-mono text-xs">
                    <Checkbox checked={form.filter.buckets.includes(name)} onChange={(e) => toggleBucket(name, e.target.checked)} />
                    {name}
                  </label>
                ))}
              </div>
              <p className="text-xs text-muted-foreground">
                {form.filter.buckets.length === 0 ? "None ticked: every bucket of the profile, including buckets created later." : `${form.filter.buckets.length} ticked.`}
              </p>
            </fieldset>
            <div className="grid gap-3 sm:grid-cols-[1fr_auto]">
              <Field label="Key" hint="Leave empty for every key." error={errors.key}>
                {({ id, describedBy }) => (
                  <Input id={id} aria-describedby={describedBy} className="font-mono" value={form.filter.key} placeholder="e.g. tmp/" spellCheck={false} autoComplete="off" onChange={(e) => setFilter({ key: e.target.value })} />
                )}
              </Field>
              <Field label="Key match">
                {({ id }) => (
                  <select id={id} className={selectClass} value={form.filter.keyMatch} onChange={(e) => setFilter({ keyMatch: e.target.value === "prefix" ? "prefix" : "contains" })}>
                    <option value="contains">contains</option>
                    <option value="prefix">starts with</option>
                  </select>
                )}
              </Field>
            </div>
            <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
              <Field label="Older than" hint="Initiated at least this long ago." error={errors.minAge}>
                {({ id, describedBy, invalid }) => (
                  <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={form.filter.minAge} placeholder="e.g. 7d" onChange={(e) => setFilter({ minAge: e.target.value })} />
                )}
              </Field>
              <Field label="Idle for" hint="No new part for this long." error={errors.idle}>
                {({ id, describedBy, invalid }) => (
                  <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={form.filter.idle} placeholder="e.g. 3d" onChange={(e) => setFilter({ idle: e.target.value })} />
                )}
              </Field>
              <Field label="Larger than" hint="At least this much in parts." error={errors.minSize}>
                {({ id, describedBy, invalid }) => (
                  <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={form.filter.minSize} placeholder="e.g. 100MiB" onChange={(e) => setFilter({ minSize: e.target.value })} />
                )}
              </Field>
              <Field label="Never if active within (min)" hint="A part this recent = looks active: never aborted." error={errors.active}>
                {({ id, describedBy, invalid }) => (
                  <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} inputMode="numeric" value={form.filter.active} onChange={(e) => setFilter({ active: e.target.value })} />
                )}
              </Field>
            </div>
          </section>

          <section aria-labelledby={`${headingId}-when`} className="flex flex-col gap-3">
            <h3 id={`${headingId}-when`} className="text-sm font-semibold">
              When, and how much at most
            </h3>
            <div className="grid gap-3 md:grid-cols-[2fr_1fr]">
              <Field
                label="Schedule (cron)"
                hint={next ? `Next: ${next.join(" · ")}` : "minute hour day month weekday, e.g. 0 2 * * * (02:00 daily); 6 fields = seconds first."}
                error={errors.schedule}
              >
                {({ id, describedBy, invalid }) => (
                  <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} className="font-mono" value={form.schedule} spellCheck={false} autoComplete="off" onChange={(e) => set({ schedule: e.target.value })} />
                )}
              </Field>
              <Field label="Time zone" hint="The schedule is read in it (IANA name)." error={errors.timeZone}>
                {({ id, describedBy, invalid }) => (
                  <>
                    <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} list={zonesId} value={form.timeZone} spellCheck={false} autoComplete="off" onChange={(e) => set({ timeZone: e.target.value })} />
                    <datalist id={zonesId}>
                      {zones.map((z) => (
                        <option key={z} value={z} />
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
            </div>
            <div className="grid grid-cols-2 gap-3 md:grid-cols-3">
              <Field label="Cap: uploads per run" hint="Above it, a run aborts nothing and says why." error={errors.maxUploads}>
                {({ id, describedBy, invalid }) => (
                  <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} inputMode="numeric" value={form.maxUploads} onChange={(e) => set({ maxUploads: e.target.value })} />
                )}
              </Field>
              <Field label="Cap: bytes per run" hint="e.g. 500GiB, 1TiB." error={errors.maxSize}>
                {({ id, describedBy, invalid }) => (
                  <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={form.maxSize} onChange={(e) => set({ maxSize: e.target.value })} />
                )}
              </Field>
              <Field label="Report: notify above (uploads)" hint="A report run notifies when it finds more; 0 = any." error={errors.notifyAbove}>
                {({ id, describedBy, invalid }) => (
                  <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} inputMode="numeric" value={form.notifyAbove} onChange={(e) => set({ notifyAbove: e.target.value })} />
                )}
              </Field>
            </div>
          </section>

          <fieldset className="flex flex-col gap-1.5">
            <legend className="mb-1 text-sm font-semibold">Webhooks</legend>
            {webhookProblem ? (
              <p role="alert" className="text-sm text-destructive">
                {webhookProblem}
              </p>
            ) : webhooks.length === 0 ? (
              <p className="text-xs text-muted-foreground">No webhooks are configured on the server (RECLAIM_WEBHOOKS_FILE). Runs are still recorded here.</p>
            ) : (
              webhooks.map((w) => (
                <label key={w.id} className="flex items-center gap-2 text-sm">
                  <Checkbox
                    checked={form.webhooks.includes(w.id)}
                    onChange={(e) => set({ webhooks: e.target.checked ? [...form.webhooks, w.id] : form.webhooks.filter((x) => x !== w.id) })}
                  />
                  <span className="font-mono">{w.id}</span>
                  <span className="text-xs text-muted-foreground">
                    {w.format === "slack" ? "Slack text" : "JSON"} → {w.host}
                  </span>
                </label>
              ))
            )}
            {form.webhooks
              .filter((id) => !webhooks.some((w) => w.id === id))
              .map((id) => (
                <label key={id} className="flex items-center gap-2 text-sm text-destructive">
                  <Checkbox checked onChange={() => set({ webhooks: form.webhooks.filter((x) => x !== id) })} />
                  <span className="font-mono">{id}</span> — no longer configured on the server; untick it to save.
                </label>
              ))}
            <p className="text-xs text-muted-foreground">After each abort run, a failed run, and a report run that finds more than the threshold.</p>
          </fieldset>

          <div role="status" aria-live="polite" className="empty:hidden">
            {errorCount > 0 ? <p className="text-sm text-destructive">Fix the {errorCount === 1 ? "field" : `${errorCount} fields`} marked above; nothing was saved.</p> : null}
          </div>
          {serverError ? (
            <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm text-destructive">
              {serverError} Nothing was saved.
            </p>
          ) : null}
          <div className="flex flex-wrap items-center gap-2 border-t border-border pt-4">
            <Button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Save policy"}
            </Button>
            <Button type="button" variant="ghost" onClick={onCancel}>
              Cancel
            </Button>
          </div>
        </fieldset>
      </form>
    </Card>
  );
}

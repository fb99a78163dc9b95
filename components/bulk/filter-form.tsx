"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, type FormEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { useHydrated } from "@/components/ui/use-hydrated";
import { emptyFilterForm, type BulkFilterForm, type FilterFieldErrors } from "@/lib/jobs/filter-params";
import { bucketListQuery } from "@/components/buckets/queries";
import { cn } from "@/lib/utils";

const selectClass = "h-9 w-full rounded-md border border-border bg-card px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring";

function Field({
  label,
  hint,
  error,
  children,
  className,
}: {
  label: string;
  hint?: string;
  error?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
  className?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children({ id, describedBy, invalid: Boolean(error) })}
      {error ? (
        <p id={errorId} className="text-xs text-destructive">
          {error}
        </p>
      ) : hint ? (
        <p id={hintId} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** The selection: prefilled from the URL, validated in the browser and again on the server. */
export function FilterForm({
  profileId,
  form,
  errors,
  pending,
  onChange,
  onSubmit,
}: {
  profileId: string;
  form: BulkFilterForm;
  errors: FilterFieldErrors;
  pending: boolean;
  onChange: (form: BulkFilterForm) => void;
  onSubmit: () => void;
}) {
  const hydrated = useHydrated();
  const buckets = useQuery(bucketListQuery(profileId));
  const bucketValue = form.buckets.join(",");
  const known = new Set((buckets.data ?? []).map((b) => b.name));
  const custom = bucketValue !== "" && !(form.buckets.length === 1 && known.has(bucketValue));
  const set = (patch: Partial<BulkFilterForm>) => onChange({ ...form, ...patch });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSubmit();
  }

  return (
    <Card className="p-4">
      <form onSubmit={submit} aria-label="Bulk selection" className="flex flex-col gap-4" noValidate>
        {/* Controlled fields: disabled until hydrated so nothing typed early is reset. */}
        <fieldset disabled={!hydrated} className="contents">
          <div className="flex flex-col gap-0.5">
            <h2 className="text-base font-semibold">Select uploads</h2>
            <p className="text-xs text-muted-foreground">A dry run first; nothing is aborted before you confirm.</p>
          </div>

          <Field label="Bucket" hint={buckets.isError ? `Could not list buckets: ${buckets.error.message}` : undefined}>
            {({ id, describedBy }) => (
              <select id={id} aria-describedby={describedBy} className={selectClass} value={bucketValue} onChange={(e) => set({ buckets: e.target.value ? e.target.value.split(",") : [] })}>
                <option value="">All buckets</option>
                {custom ? <option value={bucketValue}>{form.buckets.join(", ")}</option> : null}
                {(buckets.data ?? []).map((b) => (
                  <option key={b.name} value={b.name}>
                    {b.name}
                  </option>
                ))}
              </select>
            )}
          </Field>

          <div className="grid grid-cols-[1fr_auto] items-end gap-2">
            <Field label="Key" hint="Leave empty for every key.">
              {({ id, describedBy }) => (
                <Input
                  id={id}
                  aria-describedby={describedBy}
                  value={form.key}
                  placeholder="e.g. backups/2024/"
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(e) => set({ key: e.target.value })}
                  className="font-mono"
                />
              )}
            </Field>
            <div className="flex flex-col gap-1 pb-5">
              <label htmlFor="bulk-key-match" className="sr-only">
                How the key matches
              </label>
              <select id="bulk-key-match" className={selectClass} value={form.keyMatch} onChange={(e) => set({ keyMatch: e.target.value === "prefix" ? "prefix" : "contains" })}>
                <option value="contains">contains</option>
                <option value="prefix">starts with</option>
              </select>
            </div>
          </div>

          <div className="grid grid-cols-2 gap-3">
            <Field label="Older than" hint="Initiated at least this long ago." error={errors.minAge}>
              {({ id, describedBy, invalid }) => (
                <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={form.minAge} placeholder="e.g. 7d" onChange={(e) => set({ minAge: e.target.value })} />
              )}
            </Field>
            <Field label="Larger than" hint="At least this much in parts." error={errors.minSize}>
              {({ id, describedBy, invalid }) => (
                <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={form.minSize} placeholder="e.g. 100MiB" onChange={(e) => set({ minSize: e.target.value })} />
              )}
            </Field>
            <Field label="Idle for" hint="No new part for this long." error={errors.idle}>
              {({ id, describedBy, invalid }) => (
                <Input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={form.idle} placeholder="e.g. 3d" onChange={(e) => set({ idle: e.target.value })} />
              )}
            </Field>
            <Field label="Active window (min)" hint="Activity this recent = looks active; 0 = off." error={errors.active}>
              {({ id, describedBy, invalid }) => (
                <Input
                  id={id}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  value={form.active}
                  inputMode="numeric"
                  onChange={(e) => set({ active: e.target.value })}
                />
              )}
            </Field>
          </div>

          <div className="flex items-center gap-2">
            <Button type="submit" disabled={pending}>
              {pending ? "Previewing…" : "Preview"}
            </Button>
            <Button type="button" variant="ghost" onClick={() => onChange(emptyFilterForm())}>
              Clear
            </Button>
          </div>
        </fieldset>
      </form>
    </Card>
  );
}

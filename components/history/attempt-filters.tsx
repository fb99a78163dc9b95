"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition, type ReactNode } from "react";
import { hasFilters, historyHref, OUTCOME_FILTERS } from "@/lib/ledger/filter-params";
import { useHydrated } from "@/components/ui/use-hydrated";
import { outcomeFilterLabel } from "@/lib/outcomes";
import type { HistoryFacets, HistoryFilter, OutcomeFilter } from "@/lib/ledger/types";
import { cn } from "@/lib/utils";

const control =
  "h-9 w-full min-w-0 rounded-md border border-border bg-card px-2 text-sm focus-visible:outline-2 focus-visible:outline-ring";

function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-muted-foreground">
        {label}
      </label>
      {children}
    </div>
  );
}

/** With the current value kept as an option even when the ledger no longer has it. */
function optionsWith(values: string[], current: string | undefined): string[] {
  return current && !values.includes(current) ? [current, ...values] : values;
}

/** Outcome, bucket, admin, profile and date range; every change goes to the URL. */
export function AttemptFilters({ filter, facets }: { filter: HistoryFilter; facets: HistoryFacets }) {
  const hydrated = useHydrated();
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  function update(patch: Partial<HistoryFilter>) {
    const next: HistoryFilter = { ...filter, ...patch };
    for (const key of Object.keys(next) as (keyof HistoryFilter)[]) {
      if (!next[key]) delete next[key];
    }
    startTransition(() => router.replace(historyHref(next), { scroll: false }));
  }

  const showProfiles = facets.profiles.length > 1 || filter.profileId !== undefined;

  return (
    <form
      role="search"
      aria-label="Filter attempts"
      aria-busy={pending}
      onSubmit={(event) => event.preventDefault()}
      className={cn(
        "grid grid-cols-2 items-end gap-3 sm:grid-cols-3",
        showProfiles ? "lg:grid-cols-[repeat(6,minmax(0,1fr))_6.5rem]" : "lg:grid-cols-[repeat(5,minmax(0,1fr))_6.5rem]",
        pending && "opacity-70",
      )}
    >
      {/* display: contents keeps the fields in the form's grid. */}
      <fieldset disabled={!hydrated} className="contents">
        <Field id="filter-outcome" label="Outcome">
          <select
            id="filter-outcome"
            className={control}
            value={filter.outcome ?? ""}
            onChange={(e) => update({ outcome: (e.target.value || undefined) as OutcomeFilter | undefined })}
          >
            <option value="">All outcomes</option>
            {OUTCOME_FILTERS.map((outcome) => (
              <option key={outcome} value={outcome}>
                {outcomeFilterLabel(outcome)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="filter-bucket" label="Bucket">
          <select id="filter-bucket" className={control} value={filter.bucket ?? ""} onChange={(e) => update({ bucket: e.target.value })}>
            <option value="">All buckets</option>
            {optionsWith(facets.buckets, filter.bucket).map((bucket) => (
              <option key={bucket} value={bucket}>
                {bucket}
              </option>
            ))}
          </select>
        </Field>
        <Field id="filter-admin" label="Admin">
          <select id="filter-admin" className={control} value={filter.actorEmail ?? ""} onChange={(e) => update({ actorEmail: e.target.value })}>
            <option value="">All admins</option>
            {optionsWith(facets.actors, filter.actorEmail).map((email) => (
              <option key={email} value={email}>
                {email}
              </option>
            ))}
          </select>
        </Field>
        {showProfiles ? (
          <Field id="filter-profile" label="Profile">
            <select id="filter-profile" className={control} value={filter.profileId ?? ""} onChange={(e) => update({ profileId: e.target.value })}>
              <option value="">All profiles</option>
              {optionsWith(facets.profiles, filter.profileId).map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <Field id="filter-from" label="From (UTC)">
          <input
            id="filter-from"
            type="date"
            className={control}
            value={filter.from ?? ""}
            max={filter.to}
            onChange={(e) => update({ from: e.target.value })}
          />
        </Field>
        <Field id="filter-to" label="To (UTC)">
          <input id="filter-to" type="date" className={control} value={filter.to ?? ""} min={filter.from} onChange={(e) => update({ to: e.target.value })} />
        </Field>
      </fieldset>
      <div className="flex h-9 items-center max-lg:empty:hidden">
        {hasFilters(filter) ? (
          <Link href="/history" scroll={false} className="text-sm font-medium text-primary hover:underline">
            Clear filters
          </Link>
        ) : null}
      </div>
    </form>
  );
}

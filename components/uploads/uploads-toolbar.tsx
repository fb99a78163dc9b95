"use client";

import { useEffect, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useHydrated } from "@/components/ui/use-hydrated";
import { cn } from "@/lib/utils";
import { hasFilters, type UploadView, type ViewNote } from "@/lib/uploads/view";
import type { ViewParam } from "@/components/uploads/use-upload-view";

const TYPE_DELAY_MS = 300;

/**
 * A typed threshold ("7d", "100MiB"). A value that cannot be read stays in the field, marked
 * invalid, with the reason under it.
 */
function ThresholdField({
  id,
  name,
  label,
  placeholder,
  defaultValue,
  note,
  widthClass,
  onType,
}: {
  id: string;
  name: ViewParam;
  label: string;
  placeholder: string;
  defaultValue: string;
  note: ViewNote | undefined;
  widthClass: string;
  onType: (value: string) => void;
}) {
  const errorId = `${id}-error`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-muted-foreground text-xs font-medium">
        {label}
      </label>
      <Input
        id={id}
        name={name}
        placeholder={placeholder}
        defaultValue={defaultValue}
        onChange={(event) => onType(event.target.value)}
        aria-invalid={note ? true : undefined}
        aria-describedby={note ? errorId : undefined}
        className={cn("text-foreground w-full", widthClass, note && "border-destructive")}
        autoComplete="off"
      />
      {note ? (
        <p id={errorId} className="text-destructive text-xs">
          {note.message}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Filters written to the URL: bucket, key text, minimum age and size. Text fields write after
 * a short pause in typing; a value that cannot be read is kept and explained under the field.
 */
export function UploadsToolbar({
  view,
  notes,
  buckets,
  onParams,
  onClear,
  actions,
}: {
  view: UploadView;
  notes: readonly ViewNote[];
  buckets: readonly string[];
  onParams: (patch: Partial<Record<ViewParam, string | null>>) => void;
  onClear: () => void;
  /** Shown at the end of the row (e.g. a link to bulk cleanup with these filters). */
  actions?: ReactNode;
}) {
  const hydrated = useHydrated();
  const timers = useRef(new Map<string, number>());
  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((t) => window.clearTimeout(t));
  }, []);

  function typed(param: ViewParam, value: string) {
    const previous = timers.current.get(param);
    if (previous) window.clearTimeout(previous);
    timers.current.set(
      param,
      window.setTimeout(() => onParams({ [param]: value }), TYPE_DELAY_MS),
    );
  }

  const ageNote = notes.find((n) => n.param === "minAge");
  const sizeNote = notes.find((n) => n.param === "minSize");
  const bucketOptions =
    view.bucket && !buckets.includes(view.bucket) ? [...buckets, view.bucket] : buckets;

  return (
    <form
      role="search"
      aria-label="Filter uploads"
      onSubmit={(event) => event.preventDefault()}
      className="grid grid-cols-2 items-start gap-x-3 gap-y-2 sm:flex sm:flex-wrap"
    >
      {/* Disabled until React handles input, so nothing typed early is ignored; display: contents keeps the layout. */}
      <fieldset disabled={!hydrated} className="contents">
        <div className="col-span-2 flex flex-col gap-1">
          <label htmlFor="filter-bucket" className="text-muted-foreground text-xs font-medium">
            Bucket
          </label>
          <select
            id="filter-bucket"
            name="bucket"
            value={view.bucket ?? ""}
            onChange={(event) => onParams({ bucket: event.target.value || null })}
            className="border-border bg-card text-foreground h-9 w-full rounded-md border px-2 text-sm sm:w-44"
          >
            <option value="">All buckets</option>
            {bucketOptions.map((bucket) => (
              <option key={bucket} value={bucket}>
                {bucket}
              </option>
            ))}
          </select>
        </div>

        <label className="text-muted-foreground col-span-2 flex min-w-0 flex-1 basis-56 flex-col gap-1 text-xs font-medium">
          Key contains
          <Input
            name="q"
            type="search"
            placeholder="prefix or any part of the key"
            defaultValue={view.q}
            onChange={(event) => typed("q", event.target.value)}
            className="text-foreground w-full font-mono"
            autoComplete="off"
            spellCheck={false}
          />
        </label>

        <ThresholdField
          id="filter-min-age"
          name="minAge"
          label="Older than"
          placeholder="e.g. 7d"
          defaultValue={view.minAge?.text ?? ageNote?.value ?? ""}
          note={ageNote}
          widthClass="sm:w-28"
          onType={(value) => typed("minAge", value)}
        />
        <ThresholdField
          id="filter-min-size"
          name="minSize"
          label="At least"
          placeholder="e.g. 100MiB"
          defaultValue={view.minSize?.text ?? sizeNote?.value ?? ""}
          note={sizeNote}
          widthClass="sm:w-32"
          onType={(value) => typed("minSize", value)}
        />

        <div className="flex flex-col gap-1">
          <span aria-hidden className="hidden text-xs sm:block">
            &nbsp;
          </span>
          <Button
            variant="ghost"
            onClick={onClear}
            disabled={!hasFilters(view) && notes.length === 0}
          >
            Clear filters
          </Button>
        </div>

        {actions ? (
          <div className="flex flex-col items-end gap-1 sm:ml-auto">
            <span aria-hidden className="hidden text-xs sm:block">
              &nbsp;
            </span>
            {actions}
          </div>
        ) : null}
      </fieldset>
    </form>
  );
}

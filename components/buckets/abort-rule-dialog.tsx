"use client";

import { useId, useState, type FormEvent } from "react";
import { useSetAbortRule } from "@/components/buckets/use-abort-rule-mutations";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { plural } from "@/lib/format";
import type { AbortRuleView } from "@/lib/lifecycle-coverage";

// Mirrors the server's limits (app/actions/lifecycle.ts validates again).
const MIN_DAYS = 1;
const MAX_DAYS = 3650;
const MAX_PREFIX = 1024;

function validateDays(text: string): string | null {
  if (!/^\d+$/.test(text.trim())) return "Enter a whole number of days.";
  const days = Number(text);
  if (days < MIN_DAYS || days > MAX_DAYS) return `Days must be from ${MIN_DAYS} to ${MAX_DAYS}.`;
  return null;
}

/** Add or edit Reclaim's abort rule on one bucket: days after initiation and an optional prefix. */
export function AbortRuleDialog({
  profileId,
  bucket,
  rule,
  otherRules,
  onClose,
  onSaved,
}: {
  profileId: string;
  bucket: string;
  /** Our current rule when editing; null to add one. */
  rule: AbortRuleView | null;
  /** Lifecycle rules of the bucket that are not ours (kept unchanged). */
  otherRules: number;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const id = useId();
  const [days, setDays] = useState(String(rule?.days ?? 7));
  const [prefix, setPrefix] = useState(rule?.prefix ?? "");
  const [daysError, setDaysError] = useState<string | null>(null);
  const save = useSetAbortRule(profileId);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = validateDays(days);
    setDaysError(problem);
    if (problem) return;
    const input = { bucket, days: Number(days), prefix };
    save.mutate(input, {
      onSuccess: () => {
        const scope = prefix === "" ? "in the whole bucket" : `under ${prefix}`;
        onSaved(
          `Abort rule saved on ${bucket}: incomplete uploads ${scope} are aborted ${plural(input.days, "day")} after they start.`,
        );
      },
    });
  }

  const daysErrorId = `${id}-days-error`;
  const daysHintId = `${id}-days-hint`;
  return (
    <Dialog
      open
      onClose={onClose}
      title={rule ? `Edit the abort rule of ${bucket}` : `Add an abort rule to ${bucket}`}
      description={
        <>
          The storage service will abort incomplete multipart uploads in{" "}
          <code className="text-foreground font-mono">{bucket}</code> on its own once they are this
          old, and free their parts.{" "}
          {otherRules > 0
            ? `The bucket's ${plural(otherRules, "other lifecycle rule")} stay exactly as they are.`
            : null}
        </>
      }
    >
      <form onSubmit={onSubmit} className="flex flex-col gap-4" noValidate>
        <div className="flex flex-col gap-1.5">
          <label htmlFor={`${id}-days`} className="text-sm font-medium">
            Days after the upload started
          </label>
          <Input
            id={`${id}-days`}
            name="days"
            type="number"
            inputMode="numeric"
            min={MIN_DAYS}
            max={MAX_DAYS}
            step={1}
            required
            value={days}
            onChange={(e) => setDays(e.target.value)}
            aria-invalid={daysError ? true : undefined}
            aria-describedby={daysError ? `${daysErrorId} ${daysHintId}` : daysHintId}
            className="aria-invalid:border-destructive w-32"
          />
          <p id={daysHintId} className="text-muted-foreground text-xs">
            {MIN_DAYS}–{MAX_DAYS}. Uploads usually take hours; 7 days leaves room for slow ones.
          </p>
          {daysError ? (
            <p id={daysErrorId} className="text-destructive text-xs">
              {daysError}
            </p>
          ) : null}
        </div>
        <div className="flex flex-col gap-1.5">
          <label htmlFor={`${id}-prefix`} className="text-sm font-medium">
            Only keys starting with{" "}
            <span className="text-muted-foreground font-normal">(optional)</span>
          </label>
          <Input
            id={`${id}-prefix`}
            name="prefix"
            maxLength={MAX_PREFIX}
            placeholder="Whole bucket"
            autoComplete="off"
            spellCheck={false}
            value={prefix}
            onChange={(e) => setPrefix(e.target.value)}
            aria-describedby={`${id}-prefix-hint`}
            className="font-mono"
          />
          <p id={`${id}-prefix-hint`} className="text-muted-foreground text-xs">
            Empty covers every upload in the bucket. A prefix such as{" "}
            <code className="font-mono">tmp/</code> leaves other uploads unprotected.
          </p>
        </div>
        {save.isError ? (
          <p
            role="alert"
            className="border-destructive/40 bg-destructive/5 text-destructive rounded-md border p-2.5 text-sm"
          >
            {save.error.message}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? "Saving…" : rule ? "Save rule" : "Add rule"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

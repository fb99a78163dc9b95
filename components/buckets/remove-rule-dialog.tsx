"use client";

import { useRemoveAbortRule } from "@/components/buckets/use-abort-rule-mutations";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { formatBytes, plural } from "@/lib/format";
import type { AbortRuleView } from "@/lib/lifecycle-coverage";

/** Confirms removing Reclaim's abort rule; says what stops being cleaned up. */
export function RemoveRuleDialog({
  profileId,
  bucket,
  rule,
  otherRules,
  uploads,
  bytes,
  onClose,
  onRemoved,
}: {
  profileId: string;
  bucket: string;
  rule: AbortRuleView;
  /** Every other lifecycle rule of the bucket (kept). */
  otherRules: number;
  uploads: number;
  bytes: number;
  onClose: () => void;
  onRemoved: (message: string) => void;
}) {
  const remove = useRemoveAbortRule(profileId);
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Remove the abort rule from ${bucket}?`}
      description={
        <>
          Incomplete uploads
          {rule.prefix === "" ? null : (
            <>
              {" "}
              under <code className="text-foreground font-mono">{rule.prefix}</code>
            </>
          )}{" "}
          in <code className="text-foreground font-mono">{bucket}</code> will no longer be aborted
          {rule.days !== null ? ` ${plural(rule.days, "day")} after they start` : ""}. Their parts
          stay billed until someone aborts them.
        </>
      }
    >
      <ul className="flex list-disc flex-col gap-1 pl-5 text-sm">
        <li>
          {uploads === 0
            ? "The bucket holds no incomplete upload right now."
            : `The bucket holds ${plural(uploads, "incomplete upload")} (${formatBytes(bytes)}) right now.`}
        </li>
        <li>
          {otherRules > 0
            ? `Its ${plural(otherRules, "other lifecycle rule")} stay unchanged.`
            : "It has no other lifecycle rule: its lifecycle configuration is deleted."}
        </li>
      </ul>
      {remove.isError ? (
        <p
          role="alert"
          className="border-destructive/40 bg-destructive/5 text-destructive rounded-md border p-2.5 text-sm"
        >
          {remove.error.message}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="outline" onClick={onClose} disabled={remove.isPending}>
          Cancel
        </Button>
        <Button
          variant="destructive"
          disabled={remove.isPending}
          onClick={() =>
            remove.mutate(
              { bucket },
              {
                onSuccess: () =>
                  onRemoved(
                    `Abort rule removed from ${bucket}; its other lifecycle rules are unchanged.`,
                  ),
              },
            )
          }
        >
          {remove.isPending ? "Removing…" : "Remove rule"}
        </Button>
      </div>
    </Dialog>
  );
}

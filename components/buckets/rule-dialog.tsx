import { AbortRuleDialog } from "@/components/buckets/abort-rule-dialog";
import { RemoveRuleDialog } from "@/components/buckets/remove-rule-dialog";
import type { BucketOverviewRow } from "@/lib/lifecycle-coverage";

/** Which change to Reclaim's rule is being made, on which bucket. */
export type RuleEdit = { kind: "set" | "remove"; bucket: string };

/** Lifecycle rules of the bucket that Reclaim does not own (kept on every change). */
function otherRulesOf(row: BucketOverviewRow): number {
  return row.lifecycle.status === "rules"
    ? row.lifecycle.otherRules + row.lifecycle.rules.filter((r) => !r.ours).length
    : 0;
}

/** The add/edit dialog or the remove confirmation for one bucket's rule. */
export function RuleDialog({
  profileId,
  edit,
  row,
  onClose,
  onDone,
}: {
  profileId: string;
  edit: RuleEdit;
  row: BucketOverviewRow;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const ours =
    row.lifecycle.status === "rules" ? (row.lifecycle.rules.find((r) => r.ours) ?? null) : null;
  if (edit.kind === "set") {
    return (
      <AbortRuleDialog
        key={row.bucket}
        profileId={profileId}
        bucket={row.bucket}
        rule={ours}
        otherRules={otherRulesOf(row)}
        onClose={onClose}
        onSaved={onDone}
      />
    );
  }
  if (!ours) return null;
  return (
    <RemoveRuleDialog
      key={row.bucket}
      profileId={profileId}
      bucket={row.bucket}
      rule={ours}
      otherRules={otherRulesOf(row)}
      uploads={row.uploads}
      bytes={row.bytes}
      onClose={onClose}
      onRemoved={onDone}
    />
  );
}

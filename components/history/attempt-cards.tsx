import type { ReactNode } from "react";
import { AttemptReason } from "@/components/history/attempt-reason";
import { attemptsSummary } from "@/components/history/outcome-labels";
import { OutcomeBadge } from "@/components/ui/outcome-badge";
import type { LedgerEntry } from "@/lib/ledger/types";
import { formatBytes, formatBytesExact, formatDateTime, plural, shortUploadId } from "@/lib/format";

/** The attempt list for narrow screens: one card per attempt. */
export function AttemptCards({ entries, actionFor }: { entries: LedgerEntry[]; actionFor: (entry: LedgerEntry) => ReactNode }) {
  return (
    <ul aria-label="Abort attempts" className="flex flex-col divide-y divide-border">
      {entries.map((entry) => (
        <li key={entry.id} className="flex flex-col gap-1.5 px-4 py-3 text-sm">
          <div className="flex items-center justify-between gap-2">
            <OutcomeBadge outcome={entry.outcome} />
            <span className="text-xs text-muted-foreground tabular-nums">{formatDateTime(entry.startedAt)}</span>
          </div>
          <p className="font-mono text-xs break-all" title={entry.key}>
            <span className="text-muted-foreground">{entry.bucket}/</span>
            {entry.key}
          </p>
          <p className="text-xs text-muted-foreground tabular-nums">
            <span title={formatBytesExact(entry.bytesBefore)}>{formatBytes(entry.bytesBefore)}</span> ·{" "}
            {plural(entry.partsBefore, "part")} · {attemptsSummary(entry)}
          </p>
          <p className="truncate text-xs text-muted-foreground">
            {entry.actorEmail}
            {entry.actorSubject && <span title="Identity provider subject"> (sub {entry.actorSubject})</span>} · {entry.profileId} · <span className="font-mono" title={entry.uploadId}>{shortUploadId(entry.uploadId)}</span>
          </p>
          <AttemptReason entry={entry} action={actionFor(entry)} placeholder={null} />
        </li>
      ))}
    </ul>
  );
}

import type { ReactNode } from "react";
import { AttemptReason } from "@/components/history/attempt-reason";
import { attemptsSummary } from "@/components/history/outcome-labels";
import { OutcomeBadge } from "@/components/ui/outcome-badge";
import { BodyRow, ColumnHeader, ScrollTable, TableHeader } from "@/components/ui/table";
import type { LedgerEntry } from "@/lib/ledger/types";
import { formatBytes, formatBytesExact, formatDateTime, plural, shortUploadId } from "@/lib/format";

const th = "px-3 py-2 whitespace-nowrap";
const td = "px-3 py-2.5 align-top";
const sub = "mt-0.5 block text-xs text-muted-foreground";

/**
 * The attempt list for wide screens. Related facts share a cell (when + who, bucket +
 * profile, key + upload id, outcome + attempts + duration) so all of them fit at 1440 px
 * and the reason keeps room to be read. `actionFor` renders the row's Re-verify button.
 */
export function AttemptTable({ entries, actionFor }: { entries: LedgerEntry[]; actionFor: (entry: LedgerEntry) => ReactNode }) {
  return (
    <ScrollTable caption="Abort attempts" tableClassName="table-fixed">
      <colgroup>
        <col className="w-[12.5rem]" />
        <col className="w-[11rem]" />
        <col />
        <col className="w-[7.5rem]" />
        <col className="w-[9.5rem]" />
        <col className="w-[34%]" />
      </colgroup>
      <TableHeader className="bg-muted/40">
        <tr className="border-b border-border">
          <ColumnHeader className={th}>When · admin</ColumnHeader>
          <ColumnHeader className={th}>Bucket · profile</ColumnHeader>
          <ColumnHeader className={th}>Key · upload ID</ColumnHeader>
          <ColumnHeader numeric className={th}>
            Before abort
          </ColumnHeader>
          <ColumnHeader className={th}>Outcome</ColumnHeader>
          <ColumnHeader className={th}>Reason</ColumnHeader>
        </tr>
      </TableHeader>
      <tbody>
        {entries.map((entry) => (
          <BodyRow key={entry.id} className="hover:bg-muted/40">
            <td className={td}>
              <span className="block tabular-nums" title={`Attempt #${entry.id} · ${formatDateTime(entry.startedAt, { seconds: true })}`}>
                {formatDateTime(entry.startedAt)}
              </span>
              <span className={`${sub} truncate`} title={entry.actorEmail}>
                {entry.actorEmail}
              </span>
              {entry.actorSubject && (
                <span className={`${sub} truncate font-mono`} title={`Identity provider subject: ${entry.actorSubject}`}>
                  <span className="sr-only">Identity provider subject: </span>
                  <span aria-hidden="true">sub </span>
                  {entry.actorSubject}
                </span>
              )}
            </td>
            <td className={td}>
              <span className="block truncate font-mono text-xs leading-5" title={entry.bucket}>
                {entry.bucket}
              </span>
              <span className={`${sub} truncate`} title={entry.endpointHost}>
                {entry.profileId}
              </span>
            </td>
            <td className={td}>
              <span className="block truncate font-mono text-xs leading-5" title={entry.key}>
                {entry.key}
              </span>
              <span className={`${sub} truncate font-mono`} title={entry.uploadId}>
                {shortUploadId(entry.uploadId, 12, 6)}
              </span>
            </td>
            <td className={`${td} text-right tabular-nums`}>
              <span className="block" title={formatBytesExact(entry.bytesBefore)}>
                {formatBytes(entry.bytesBefore)}
              </span>
              <span className={sub}>{plural(entry.partsBefore, "part")}</span>
            </td>
            <td className={td}>
              <OutcomeBadge outcome={entry.outcome} />
              <span className={`${sub} tabular-nums`}>
                {attemptsSummary(entry)}
              </span>
            </td>
            <td className={td}>
              <AttemptReason entry={entry} action={actionFor(entry)} />
            </td>
          </BodyRow>
        ))}
      </tbody>
    </ScrollTable>
  );
}

import { UploadName } from "@/components/bulk/upload-name";
import { BodyRow, ColumnHeader, ScrollTable, TableHeader } from "@/components/ui/table";
import { formatAge, formatAgo, formatBytes, formatBytesExact, formatCount } from "@/lib/format";
import { lastActivity } from "@/lib/jobs/selection";
import type { SelectedUpload } from "@/lib/jobs/types";

/** A short list of uploads (the active ones, a sample of the selection); ages relative to `now`. */
export function UploadList({ uploads, caption, now }: { uploads: SelectedUpload[]; caption: string; now: number }) {
  // The frame scrolls both ways (at most 18rem tall); the header stays on top.
  return (
    <ScrollTable caption={caption} className="max-h-72 overflow-auto rounded-md border border-border" tableClassName="min-w-[36rem]">
      <TableHeader className="sticky top-0 border-b border-border bg-muted uppercase">
        <tr>
          <ColumnHeader className="px-3 py-1.5">Upload</ColumnHeader>
          <ColumnHeader numeric className="px-3 py-1.5">Parts</ColumnHeader>
          <ColumnHeader numeric className="px-3 py-1.5">Size</ColumnHeader>
          <ColumnHeader numeric className="px-3 py-1.5">Age</ColumnHeader>
          <ColumnHeader numeric className="px-3 py-1.5">Last activity</ColumnHeader>
        </tr>
      </TableHeader>
      <tbody>
        {uploads.map((u) => {
          const last = lastActivity(u);
          return (
            <BodyRow key={`${u.bucket}/${u.key}/${u.uploadId}`}>
              <td className="max-w-[28rem] px-3 py-1.5">
                <UploadName upload={u} />
              </td>
              <td className="px-3 py-1.5 text-right tabular-nums">{u.parts === null ? "?" : formatCount(u.parts)}</td>
              <td className="px-3 py-1.5 text-right tabular-nums" title={u.bytes === null ? "Parts could not be read" : formatBytesExact(u.bytes)}>
                {u.bytes === null ? "?" : formatBytes(u.bytes)}
              </td>
              <td className="px-3 py-1.5 text-right whitespace-nowrap tabular-nums">{formatAge(u.initiated, now)}</td>
              <td className="px-3 py-1.5 text-right whitespace-nowrap tabular-nums">
                {last === null ? "—" : formatAgo(new Date(last).toISOString(), now)}
              </td>
            </BodyRow>
          );
        })}
      </tbody>
    </ScrollTable>
  );
}

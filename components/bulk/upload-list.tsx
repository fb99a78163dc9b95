import { formatAge, formatAgo, formatBytes, formatBytesExact, formatCount, shortUploadId } from "@/lib/format";
import { lastActivity } from "@/lib/jobs/selection";
import type { SelectedUpload } from "@/lib/jobs/types";

/** A short list of uploads (the active ones, a sample of the selection); ages relative to `now`. */
export function UploadList({ uploads, caption, now }: { uploads: SelectedUpload[]; caption: string; now: number }) {
  return (
    <div className="max-h-72 overflow-auto rounded-md border border-border">
      <table className="w-full min-w-[36rem] text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 border-b border-border bg-muted text-left text-xs text-muted-foreground uppercase">
          <tr>
            <th scope="col" className="px-3 py-1.5 font-medium">Upload</th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">Parts</th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">Size</th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">Age</th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">Last activity</th>
          </tr>
        </thead>
        <tbody>
          {uploads.map((u) => {
            const last = lastActivity(u);
            return (
              <tr key={`${u.bucket}/${u.key}/${u.uploadId}`} className="border-b border-border last:border-0">
                <td className="max-w-[28rem] px-3 py-1.5">
                  <span className="block truncate font-mono text-xs" title={`${u.bucket}/${u.key}`}>
                    <span className="text-muted-foreground">{u.bucket}/</span>
                    {u.key}
                  </span>
                  <span className="font-mono text-[11px] text-muted-foreground" title={u.uploadId}>
                    {shortUploadId(u.uploadId)}
                  </span>
                </td>
                <td className="px-3 py-1.5 text-right tabular-nums">{u.parts === null ? "?" : formatCount(u.parts)}</td>
                <td className="px-3 py-1.5 text-right tabular-nums" title={u.bytes === null ? "Parts could not be read" : formatBytesExact(u.bytes)}>
                  {u.bytes === null ? "?" : formatBytes(u.bytes)}
                </td>
                <td className="px-3 py-1.5 text-right whitespace-nowrap tabular-nums">{formatAge(u.initiated, now)}</td>
                <td className="px-3 py-1.5 text-right whitespace-nowrap tabular-nums">
                  {last === null ? "—" : formatAgo(new Date(last).toISOString(), now)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

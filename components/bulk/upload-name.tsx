import type { ReactNode } from "react";
import { shortUploadId } from "@/lib/format";
import type { UploadRef } from "@/lib/jobs/types";

/**
 * An upload in a bulk table's cell: bucket/key on one truncated line, the short upload id
 * below it. `children` follow the id on its line (e.g. the ledger row, the tries).
 */
export function UploadName({ upload, children }: { upload: UploadRef; children?: ReactNode }) {
  return (
    <>
      <span className="block truncate font-mono text-xs" title={`${upload.bucket}/${upload.key}`}>
        <span className="text-muted-foreground">{upload.bucket}/</span>
        {upload.key}
      </span>
      <span className="font-mono text-[11px] text-muted-foreground" title={upload.uploadId}>
        {shortUploadId(upload.uploadId)}
        {children}
      </span>
    </>
  );
}

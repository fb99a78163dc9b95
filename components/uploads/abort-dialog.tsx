"use client";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import {
  ageMs,
  formatAge,
  formatAgo,
  formatBytes,
  formatBytesExact,
  formatCount,
  formatDateTime,
} from "@/lib/format";
import type { UploadRow } from "@/lib/uploads/types";
import { useNow } from "@/components/uploads/use-now";

const RECENT_PART_MS = 15 * 60_000;

/** Confirms one abort, stating what will be lost; warns when a part arrived recently. */
export function AbortDialog({
  row,
  onCancel,
  onConfirm,
}: {
  row: UploadRow | null;
  onCancel: () => void;
  onConfirm: (row: UploadRow) => void;
}) {
  const now = useNow(5000);
  const info = row?.partsInfo ?? null;
  const lastPartAge = ageMs(info?.lastPartAt, now);
  const recent = lastPartAge !== null && lastPartAge < RECENT_PART_MS;
  const minutes = lastPartAge !== null ? Math.floor(lastPartAge / 60_000) : 0;

  return (
    <Dialog
      open={row !== null}
      onClose={onCancel}
      title="Abort this upload?"
      description="Aborting deletes the parts already uploaded. The object is not created, and whoever is uploading it has to start again. This cannot be undone."
    >
      {row ? (
        <>
          <dl className="border-border bg-muted/40 grid grid-cols-[6.5rem_1fr] gap-x-3 gap-y-1.5 rounded-md border p-3 text-sm">
            <dt className="text-muted-foreground">Bucket</dt>
            <dd className="font-mono text-xs leading-5 break-all">{row.bucket}</dd>
            <dt className="text-muted-foreground">Key</dt>
            <dd className="max-h-24 overflow-auto font-mono text-xs leading-5 break-all">
              {row.key}
            </dd>
            <dt className="text-muted-foreground">Parts</dt>
            <dd className="tabular-nums">{info ? formatCount(info.parts) : "not counted yet"}</dd>
            <dt className="text-muted-foreground">Size</dt>
            <dd className="tabular-nums">
              {info ? (
                <>
                  <span className="font-medium">{formatBytes(info.bytes)}</span>{" "}
                  <span className="text-muted-foreground">({formatBytesExact(info.bytes)})</span>
                </>
              ) : (
                "not counted yet"
              )}
            </dd>
            <dt className="text-muted-foreground">Age</dt>
            <dd className="tabular-nums">
              {formatAge(row.initiated, now)}{" "}
              <span className="text-muted-foreground">
                · started {formatDateTime(row.initiated)}
              </span>
            </dd>
            <dt className="text-muted-foreground">Last part</dt>
            <dd className="tabular-nums">
              {info?.lastPartAt ? formatAgo(info.lastPartAt, now) : info ? "no parts" : "—"}
            </dd>
          </dl>

          {recent ? (
            <p
              role="alert"
              className="border-warning/40 bg-warning/10 text-warning rounded-md border px-3 py-2 text-sm"
            >
              This upload may still be in progress — a part arrived{" "}
              {minutes < 1
                ? "less than a minute"
                : minutes === 1
                  ? "1 minute"
                  : `${minutes} minutes`}{" "}
              ago.
            </p>
          ) : null}

          <div className="flex justify-end gap-2">
            <Button variant="outline" onClick={onCancel} autoFocus>
              Cancel
            </Button>
            <Button variant="destructive" onClick={() => onConfirm(row)}>
              Abort upload
            </Button>
          </div>
        </>
      ) : null}
    </Dialog>
  );
}

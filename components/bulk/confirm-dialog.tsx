"use client";

import { useState } from "react";
import { chosenSummary } from "@/components/bulk/preview-card";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { formatBytes, formatBytesExact, formatCount, formatDateTime, plural } from "@/lib/format";
import { describeSelection } from "@/lib/jobs/filter-params";
import type { BulkPreview } from "@/lib/jobs/types";

/**
 * The critical confirmation: restates what will be lost and asks for the count to be typed.
 * The server checks the typed count against the preview again.
 */
export function ConfirmDialog({
  preview,
  endpointHost,
  includeActive,
  open,
  pending,
  error,
  onCancel,
  onConfirm,
  onPreviewAgain,
}: {
  preview: BulkPreview | null;
  endpointHost: string;
  includeActive: boolean;
  open: boolean;
  pending: boolean;
  error: { code: string; message: string } | null;
  onCancel: () => void;
  onConfirm: (count: number) => void;
  onPreviewAgain: () => void;
}) {
  const [typed, setTyped] = useState("");
  const chosen = preview ? chosenSummary(preview, includeActive) : null;
  const count = chosen?.totals.count ?? 0;
  const matches = typed.replace(/[,\s]/g, "") === String(count);
  const stale = error?.code === "selection-changed" || error?.code === "preview-expired";

  function close() {
    setTyped("");
    onCancel();
  }

  return (
    <Dialog
      open={open && preview !== null}
      onClose={close}
      title={`Abort ${plural(count, "upload")}?`}
      description="Aborting deletes every part these uploads hold. The objects are never created, and any client still uploading to them fails and has to start again. This cannot be undone."
      className="w-[min(36rem,calc(100vw-2rem))]"
    >
      {preview && chosen ? (
        <form
          className="flex flex-col gap-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (matches && !pending) onConfirm(count);
          }}
        >
          <dl className="grid grid-cols-[5.5rem_1fr] gap-x-3 sm:grid-cols-[7rem_1fr] gap-y-1.5 rounded-md border border-border bg-muted/40 p-3 text-sm">
            <dt className="text-muted-foreground">Endpoint</dt>
            <dd className="font-mono text-xs leading-5 break-all">
              {preview.profileId} · {endpointHost}
            </dd>
            <dt className="text-muted-foreground">Selection</dt>
            <dd className="font-mono text-xs leading-5 break-words">{describeSelection(preview.selection).join(" · ")}</dd>
            <dt className="text-muted-foreground">Uploads</dt>
            <dd className="tabular-nums">
              <span className="font-medium">{formatCount(count)}</span> in {plural(chosen.buckets.length, "bucket")}
              {chosen.buckets.length <= 3 ? <span className="text-muted-foreground"> ({chosen.buckets.map((b) => b.bucket).join(", ")})</span> : null}
            </dd>
            <dt className="text-muted-foreground">Parts</dt>
            <dd className="tabular-nums">
              {formatCount(chosen.totals.parts)}
              {chosen.totals.partsUnknown > 0 ? <span className="text-muted-foreground"> + {plural(chosen.totals.partsUnknown, "upload")} whose parts could not be read</span> : null}
            </dd>
            <dt className="text-muted-foreground">Size</dt>
            <dd className="tabular-nums">
              <span className="font-medium">{formatBytes(chosen.totals.bytes)}</span>{" "}
              <span className="text-muted-foreground">({formatBytesExact(chosen.totals.bytes)})</span>
            </dd>
            <dt className="text-muted-foreground">Initiated</dt>
            <dd className="text-xs leading-5 tabular-nums">
              {formatDateTime(chosen.totals.oldestInitiated)} → {formatDateTime(chosen.totals.newestInitiated)}
            </dd>
          </dl>

          {includeActive && preview.active.totals.count > 0 ? (
            <p role="alert" className="rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm text-warning">
              Includes {plural(preview.active.totals.count, "upload")} that look active — a client may be writing to {preview.active.totals.count === 1 ? "it" : "them"} right now.
            </p>
          ) : null}

          <div className="flex flex-col gap-1.5">
            <label htmlFor="bulk-confirm-count" className="text-sm font-medium">
              Type <span className="font-mono font-semibold">{count}</span> to confirm
            </label>
            <Input
              id="bulk-confirm-count"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              inputMode="numeric"
              autoComplete="off"
              autoFocus
              aria-describedby={error ? "bulk-confirm-error" : undefined}
              className="font-mono"
            />
          </div>

          {error ? (
            <div id="bulk-confirm-error" role="alert" className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm">
              <span className="text-destructive">{error.message}</span>
              {stale ? (
                <Button
                  size="sm"
                  variant="outline"
                  onClick={() => {
                    setTyped("");
                    onPreviewAgain();
                  }}
                >
                  Preview again
                </Button>
              ) : null}
            </div>
          ) : null}

          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="outline" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" variant="destructive" disabled={!matches || pending}>
              {pending ? "Starting…" : `Abort ${plural(count, "upload")}`}
            </Button>
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}

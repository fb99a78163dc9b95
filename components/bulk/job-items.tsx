"use client";

import { UploadName } from "@/components/bulk/upload-name";
import { Button } from "@/components/ui/button";
import { OutcomeBadge } from "@/components/ui/outcome-badge";
import { BodyRow, ColumnHeader, ScrollTable, TableHeader } from "@/components/ui/table";
import { formatBytes, formatBytesExact, formatCount, plural, shortUploadId } from "@/lib/format";
import { OUTCOMES } from "@/lib/outcomes";
import { ITEM_OUTCOMES, type ItemFilter, type JobItemsPage } from "@/lib/jobs/types";

const FILTERS: { value: ItemFilter; label: string }[] = [
  { value: "all", label: "All uploads" },
  { value: "problems", label: "Not reclaimed (problems, skipped)" },
  { value: "pending", label: "Pending" },
  { value: "running", label: "Running" },
  ...ITEM_OUTCOMES.map((o) => ({ value: o, label: OUTCOMES[o].label })),
];

/** The job's uploads, one page at a time, each with its outcome and the reason when not reclaimed. */
export function JobItems({
  page,
  filter,
  onFilter,
  onOffset,
}: {
  page: JobItemsPage | null;
  filter: ItemFilter;
  onFilter: (filter: ItemFilter) => void;
  onOffset: (offset: number) => void;
}) {
  const first = page && page.total > 0 ? page.offset + 1 : 0;
  const last = page ? Math.min(page.total, page.offset + page.limit) : 0;
  return (
    <section aria-labelledby="bulk-items-title" className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="bulk-items-title" className="text-sm font-semibold">
          Uploads
        </h3>
        <div className="flex items-center gap-2 text-sm">
          <label htmlFor="bulk-item-filter" className="text-muted-foreground">
            Show
          </label>
          <select
            id="bulk-item-filter"
            value={filter}
            onChange={(e) => onFilter(e.target.value as ItemFilter)}
            className="h-8 rounded-md border border-border bg-card px-2 text-sm"
          >
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {/* Phones: one card per upload; wider screens: the table. */}
      <ul aria-label="Uploads in this job" className="flex flex-col divide-y divide-border rounded-md border border-border sm:hidden">
        {page && page.items.length > 0 ? (
          page.items.map((item) => (
            <li key={item.seq} className="flex flex-col gap-1 px-3 py-2.5 text-sm">
              <div className="flex items-center justify-between gap-2">
                <OutcomeBadge outcome={item.state} />
                <span className="text-xs text-muted-foreground tabular-nums">
                  #{item.seq + 1} · {item.bytesBefore === null ? "?" : formatBytes(item.bytesBefore)}
                </span>
              </div>
              <p className="font-mono text-xs break-all">
                <span className="text-muted-foreground">{item.bucket}/</span>
                {item.key}
              </p>
              <p className="font-mono text-[11px] text-muted-foreground">
                {shortUploadId(item.uploadId)}
                {item.ledgerId !== null ? ` · ledger #${item.ledgerId}` : ""}
                {item.attempts > 1 ? ` · ${item.attempts} tries` : ""}
              </p>
              {item.errorMessage ? <p className="text-xs text-muted-foreground">{item.errorMessage}</p> : null}
            </li>
          ))
        ) : (
          <li className="px-3 py-6 text-center text-sm text-muted-foreground">{page ? "No uploads with this outcome." : "Loading…"}</li>
        )}
      </ul>
      <ScrollTable caption="Uploads in this job and their outcome" className="hidden rounded-md border border-border sm:block" tableClassName="min-w-[44rem]">
        <TableHeader className="border-b border-border bg-muted/60 uppercase">
          <tr>
            <ColumnHeader numeric className="w-12 px-3 py-2">#</ColumnHeader>
            <ColumnHeader className="px-3 py-2">Upload</ColumnHeader>
            <ColumnHeader numeric className="px-3 py-2">Size</ColumnHeader>
            <ColumnHeader className="px-3 py-2">Outcome</ColumnHeader>
            <ColumnHeader className="px-3 py-2">Reason</ColumnHeader>
          </tr>
        </TableHeader>
        <tbody>
          {page && page.items.length > 0 ? (
            page.items.map((item) => (
              <BodyRow key={item.seq} className="align-top">
                <td className="px-3 py-2 text-right text-xs text-muted-foreground tabular-nums">{item.seq + 1}</td>
                <td className="max-w-[26rem] px-3 py-2">
                  <UploadName upload={item}>
                    {item.ledgerId !== null ? ` · ledger #${item.ledgerId}` : ""}
                    {item.attempts > 1 ? ` · ${item.attempts} tries` : ""}
                  </UploadName>
                </td>
                <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums" title={item.bytesBefore === null ? undefined : formatBytesExact(item.bytesBefore)}>
                  {item.bytesBefore === null ? "?" : formatBytes(item.bytesBefore)}
                </td>
                <td className="px-3 py-2">
                  <OutcomeBadge outcome={item.state} />
                </td>
                <td className="min-w-[14rem] px-3 py-2 text-xs text-muted-foreground">{item.errorMessage ?? ""}</td>
              </BodyRow>
            ))
          ) : (
            <tr>
              <td colSpan={5} className="px-3 py-6 text-center text-sm text-muted-foreground">
                {page ? "No uploads with this outcome." : "Loading…"}
              </td>
            </tr>
          )}
        </tbody>
      </ScrollTable>
      {page && page.total > page.limit ? (
        <nav aria-label="Upload pages" className="flex flex-wrap items-center justify-between gap-2 text-sm">
          <p className="text-muted-foreground tabular-nums">
            {formatCount(first)}–{formatCount(last)} of {formatCount(page.total)}
          </p>
          <div className="flex gap-2">
            <Button size="sm" variant="outline" disabled={page.offset === 0} onClick={() => onOffset(Math.max(0, page.offset - page.limit))}>
              Previous
            </Button>
            <Button size="sm" variant="outline" disabled={last >= page.total} onClick={() => onOffset(page.offset + page.limit)}>
              Next
            </Button>
          </div>
        </nav>
      ) : page ? (
        <p className="text-xs text-muted-foreground tabular-nums">{plural(page.total, "upload")}</p>
      ) : null}
    </section>
  );
}


"use client";

import { useQuery } from "@tanstack/react-query";
import { formatCount, formatUsd, plural } from "@/lib/format";
import { requestBillQuery } from "@/components/uploads/queries";

const CAUSE_LABELS: Record<string, string> = {
  listing: "listing uploads",
  background: "re-reading parts",
  "in-view": "rows in view",
  verify: "verifying aborts",
  abort: "aborts",
  bulk: "bulk jobs",
  lifecycle: "lifecycle rules",
  policy: "policies",
  other: "other",
};

/**
 * What the dashboard itself sent to the endpoint in the last hour and what that costs at the
 * profile's request price; the breakdown by cause and operation opens below.
 */
export function RequestBill({ profileId }: { profileId: string }) {
  const bill = useQuery(requestBillQuery(profileId));
  const data = bill.data;
  if (!data) return null;
  return (
    <details className="group relative" data-testid="request-bill">
      <summary className="hover:text-foreground cursor-pointer list-none underline-offset-2 group-open:underline hover:underline">
        {plural(data.requests, "S3 request")} in the last hour, ≈ {formatUsd(data.estimatedCost)}
      </summary>
      {/* Above the table's sticky header (z-20). */}
      <div className="border-border bg-card text-foreground absolute right-0 z-30 mt-1 flex w-64 flex-col gap-2 rounded-md border p-3 text-xs shadow-lg">
        <p className="text-muted-foreground">
          Requests Reclaim sent to this endpoint since{" "}
          {new Date(data.since).toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit" })}
          , priced at {formatUsd(data.pricePer1000)} per 1,000 (the profile&apos;s LIST price;
          aborts are free).
        </p>
        {data.requests > 0 ? (
          <div className="flex flex-col gap-2">
            <Breakdown
              title="Why"
              rows={data.byCause.map((c) => [CAUSE_LABELS[c.cause] ?? c.cause, c.requests])}
            />
            <Breakdown
              title="Operation"
              rows={data.byOperation.map((o) => [o.operation, o.requests])}
            />
          </div>
        ) : null}
      </div>
    </details>
  );
}

function Breakdown({ title, rows }: { title: string; rows: [string, number][] }) {
  return (
    <table className="w-full tabular-nums">
      <caption className="text-muted-foreground pb-1 text-left font-medium">{title}</caption>
      <tbody>
        {rows.map(([label, requests]) => (
          <tr key={label}>
            <th scope="row" className="truncate pr-2 text-left font-normal" title={label}>
              {label}
            </th>
            <td className="text-right">{formatCount(requests)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

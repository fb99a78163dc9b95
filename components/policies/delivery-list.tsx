import { DELIVERY_STATUSES } from "@/components/policies/labels";
import { Badge } from "@/components/ui/badge";
import { BodyRow, ColumnHeader, ScrollTable, TableHeader } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import type { WebhookDelivery } from "@/lib/policies/types";

/** Webhook deliveries: to which webhook, how it went, after how many attempts, and why not. */
export function DeliveryList({ deliveries, empty }: { deliveries: WebhookDelivery[]; empty: string }) {
  if (deliveries.length === 0) return <p className="text-sm text-muted-foreground">{empty}</p>;
  return (
    <ScrollTable caption="Webhook deliveries" className="max-h-72 overflow-auto rounded-md border border-border" tableClassName="min-w-[40rem]" data-testid="deliveries">
      <TableHeader className="sticky top-0 border-b border-border bg-muted uppercase">
        <tr>
          <ColumnHeader className="px-3 py-1.5">When</ColumnHeader>
          <ColumnHeader className="px-3 py-1.5">Webhook</ColumnHeader>
          <ColumnHeader className="px-3 py-1.5">Status</ColumnHeader>
          <ColumnHeader numeric className="px-3 py-1.5">Attempts</ColumnHeader>
          <ColumnHeader className="px-3 py-1.5">Last answer</ColumnHeader>
        </tr>
      </TableHeader>
      <tbody>
        {deliveries.map((d) => (
          <BodyRow key={d.id} data-testid="delivery">
            <td className="px-3 py-1.5 whitespace-nowrap tabular-nums">{formatDateTime(d.updatedAt, { seconds: true })}</td>
            <td className="px-3 py-1.5 font-mono text-xs">{d.webhookId}</td>
            <td className="px-3 py-1.5">
              <Badge tone={DELIVERY_STATUSES[d.status].tone}>{DELIVERY_STATUSES[d.status].label}</Badge>
            </td>
            <td className="px-3 py-1.5 text-right tabular-nums">{d.attempts}</td>
            <td className="px-3 py-1.5 text-xs text-muted-foreground">
              {d.lastStatus !== null ? `HTTP ${d.lastStatus}` : ""}
              {d.lastError ? `${d.lastStatus !== null ? " · " : ""}${d.lastError}` : ""}
            </td>
          </BodyRow>
        ))}
      </tbody>
    </ScrollTable>
  );
}

import { useId } from "react";
import { Card } from "@/components/ui/card";
import type { ReclaimedSum } from "@/lib/ledger/types";
import { formatBytes, formatBytesExact, plural } from "@/lib/format";
import { cn } from "@/lib/utils";

/** One "bytes reclaimed" figure with its uploads and parts. */
export function StatCard({ title, sum, emphasis = false }: { title: string; sum: ReclaimedSum; emphasis?: boolean }) {
  const titleId = useId();
  return (
    <Card aria-labelledby={titleId} className={cn("flex flex-col gap-1 p-4", emphasis && "border-primary/30 bg-primary/[0.03]")}>
      <h2 id={titleId} className="text-xs font-medium tracking-wide text-muted-foreground uppercase">
        {title}
      </h2>
      <p className="text-2xl font-semibold tracking-tight tabular-nums" title={formatBytesExact(sum.bytes)}>
        {formatBytes(sum.bytes)}
      </p>
      <p className="text-xs text-muted-foreground tabular-nums sm:text-sm">
        <span className="whitespace-nowrap">{plural(sum.uploads, "upload")}</span>{" "}
        <span className="whitespace-nowrap">· {plural(sum.parts, "part")}</span>
      </p>
      <p className="text-xs text-muted-foreground/80 tabular-nums" data-testid="exact-bytes">
        {formatBytesExact(sum.bytes)}
      </p>
    </Card>
  );
}

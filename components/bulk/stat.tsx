import type { ReactNode } from "react";
import { cn } from "@/lib/utils";

/** One labelled figure in a dry run or a job (a <div> in a <dl>). */
export function Stat({ label, value, detail, title, className }: { label: string; value: ReactNode; detail?: ReactNode; title?: string; className?: string }) {
  return (
    <div className={cn("flex min-w-0 flex-col gap-0.5 rounded-md border border-border bg-muted/40 px-3 py-2", className)}>
      <dt className="text-xs font-medium tracking-wide text-muted-foreground uppercase">{label}</dt>
      <dd className="truncate text-xl font-semibold tracking-tight tabular-nums" title={title}>
        {value}
      </dd>
      {detail ? <dd className="text-xs text-muted-foreground tabular-nums">{detail}</dd> : null}
    </div>
  );
}

import { Badge } from "@/components/ui/badge";
import { plural } from "@/lib/format";
import { abortsUploads, type AbortRuleView, type BucketLifecycle } from "@/lib/lifecycle-coverage";
import { cn } from "@/lib/utils";

function RuleLine({ rule }: { rule: AbortRuleView }) {
  return (
    <li className="flex flex-col gap-0.5">
      <span className="flex flex-wrap items-center gap-1.5">
        <span
          className={cn(
            "font-medium",
            !abortsUploads(rule) && "text-muted-foreground line-through decoration-1",
          )}
        >
          {rule.days === null ? "No day count" : `Abort after ${plural(rule.days, "day")}`}
        </span>
        {rule.ours ? <Badge tone="info">Reclaim</Badge> : null}
        {!rule.enabled ? <Badge tone="neutral">Disabled</Badge> : null}
      </span>
      <span className="text-muted-foreground text-xs">
        {rule.prefix === "" ? (
          "Whole bucket"
        ) : (
          <>
            Keys under{" "}
            <code className="bg-muted text-foreground rounded px-1 font-mono text-[0.7rem]">
              {rule.prefix}
            </code>
          </>
        )}
        {rule.conditions.length > 0
          ? ` · only with ${rule.conditions.join(", ")} (uploads never match)`
          : null}
        {" · rule "}
        <code className="font-mono text-[0.7rem] break-all">{rule.id ?? "(no id)"}</code>
      </span>
    </li>
  );
}

/** What the bucket's lifecycle does about incomplete uploads, in words. */
export function LifecycleStatus({
  lifecycle,
  className,
}: {
  lifecycle: BucketLifecycle;
  className?: string;
}) {
  switch (lifecycle.status) {
    case "none":
    case "rules": {
      const rules = lifecycle.status === "rules" ? lifecycle.rules : [];
      const others = lifecycle.status === "rules" ? lifecycle.otherRules : 0;
      const otherNote =
        others > 0 ? (
          <p className="text-muted-foreground text-xs">
            {plural(others, "other lifecycle rule")} kept as is
          </p>
        ) : null;
      if (rules.length === 0) {
        return (
          <div className={cn("flex flex-col items-start gap-1", className)}>
            <Badge tone="warning">No rule — unprotected</Badge>
            {otherNote}
          </div>
        );
      }
      return (
        <div className={cn("flex flex-col items-start gap-1", className)}>
          {!rules.some(abortsUploads) ? (
            <Badge tone="warning">No active rule — unprotected</Badge>
          ) : null}
          <ul className="flex flex-col gap-1.5">
            {rules.map((rule, i) => (
              <RuleLine key={`${rule.id ?? ""}-${i}`} rule={rule} />
            ))}
          </ul>
          {otherNote}
        </div>
      );
    }
    case "denied":
      return (
        <div className={cn("flex flex-col items-start gap-1", className)}>
          <Badge tone="danger">Cannot read lifecycle (access denied)</Badge>
          <p className="text-muted-foreground max-w-md text-xs">{lifecycle.error.message}</p>
        </div>
      );
    case "unsupported":
      return (
        <div className={cn("flex flex-col items-start gap-1", className)}>
          <Badge tone="neutral">Not supported by this endpoint</Badge>
          <p className="text-muted-foreground max-w-md text-xs">{lifecycle.error.message}</p>
        </div>
      );
    case "error":
      return (
        <div className={cn("flex flex-col items-start gap-1", className)}>
          <Badge tone="danger">Cannot read lifecycle</Badge>
          <p className="text-muted-foreground max-w-md text-xs">{lifecycle.error.message}</p>
        </div>
      );
  }
}

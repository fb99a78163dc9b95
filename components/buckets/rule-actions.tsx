import { Button } from "@/components/ui/button";
import type { BucketLifecycle } from "@/lib/lifecycle-coverage";

/** Add / Edit / Remove for Reclaim's rule on one bucket (admins only; the server checks again). */
export function RuleActions({
  bucket,
  lifecycle,
  onAdd,
  onEdit,
  onRemove,
}: {
  bucket: string;
  lifecycle: BucketLifecycle;
  onAdd: () => void;
  onEdit: () => void;
  onRemove: () => void;
}) {
  if (lifecycle.status === "denied" || lifecycle.status === "unsupported") {
    return (
      <span className="text-muted-foreground text-xs">
        {lifecycle.status === "denied" ? "Needs lifecycle read access" : "Not available"}
      </span>
    );
  }
  const ours = lifecycle.status === "rules" ? lifecycle.rules.find((r) => r.ours) : undefined;
  if (!ours) {
    return (
      <Button
        variant="outline"
        size="sm"
        onClick={onAdd}
        aria-label={`Add abort rule to bucket ${bucket}`}
      >
        Add rule
      </Button>
    );
  }
  return (
    <div className="flex flex-wrap gap-1.5">
      <Button
        variant="outline"
        size="sm"
        onClick={onEdit}
        aria-label={`Edit abort rule of bucket ${bucket}`}
      >
        Edit
      </Button>
      <Button
        variant="ghost"
        size="sm"
        className="text-destructive hover:bg-destructive/10"
        onClick={onRemove}
        aria-label={`Remove abort rule from bucket ${bucket}`}
      >
        Remove
      </Button>
    </div>
  );
}

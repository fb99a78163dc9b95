import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

/** The listing failed: the action's sentence and a way to try again. */
export function UploadsError({
  message,
  onRetry,
  retrying,
  compact = false,
}: {
  message: string;
  onRetry: () => void;
  retrying: boolean;
  /** A banner above stale data rather than a full-size card. */
  compact?: boolean;
}) {
  return (
    <Card
      role="alert"
      className={
        compact
          ? "border-destructive/40 bg-destructive/5 flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-sm"
          : "border-destructive/40 flex flex-col items-start gap-2 p-5"
      }
    >
      <p className="text-destructive font-medium">
        {compact ? "Could not refresh the list" : "Could not list uploads"}
      </p>
      <p className="text-muted-foreground text-sm">
        {message}
        {compact ? " The numbers below are from the last successful listing." : ""}
      </p>
      <Button
        variant="outline"
        size={compact ? "sm" : "md"}
        onClick={onRetry}
        disabled={retrying}
        className={compact ? "ml-auto" : undefined}
      >
        {retrying ? "Retrying…" : "Retry"}
      </Button>
    </Card>
  );
}

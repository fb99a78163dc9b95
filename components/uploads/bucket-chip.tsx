import { formatCount } from "@/lib/format";
import { cn } from "@/lib/utils";
import { describeBucket, type BucketChip as BucketChipData } from "@/lib/uploads/summary";

/** One bucket in the summary: its totals or why it could not be listed. Toggles the bucket filter. */
export function BucketChip({
  chip,
  selected,
  onSelect,
}: {
  chip: BucketChipData;
  selected: boolean;
  onSelect: (bucket: string | null) => void;
}) {
  const failed = chip.error !== null && chip.uploads === 0;
  return (
    <button
      type="button"
      aria-pressed={selected}
      onClick={() => onSelect(selected ? null : chip.bucket)}
      title={chip.error ? chip.error.message : `Show only ${chip.bucket}`}
      className={cn(
        "inline-flex max-w-full items-center gap-1.5 rounded-full border px-2.5 py-1 text-xs whitespace-nowrap",
        "border-border bg-card hover:bg-muted aria-pressed:border-primary aria-pressed:bg-primary/10",
        (failed || chip.error) && "border-destructive/40 bg-destructive/5 hover:bg-destructive/10",
      )}
    >
      <span className="shrink-0 font-mono font-medium">{chip.bucket}</span>
      <span className={cn("truncate", chip.error ? "text-destructive" : "text-muted-foreground")}>
        {describeBucket(chip)}
      </span>
      {chip.counting > 0 ? (
        <span className="text-muted-foreground shrink-0">
          · {formatCount(chip.counting)} counting
        </span>
      ) : null}
    </button>
  );
}

import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

/**
 * No rows to show. Three different truths: nothing is pending; filters hide everything; or
 * nothing could be listed (then never "nothing is billed").
 */
export function UploadsEmpty({
  reason,
  unlistedBuckets,
  onClearFilters,
}: {
  reason: "none" | "filtered" | "unlisted";
  unlistedBuckets: number;
  onClearFilters: () => void;
}) {
  if (reason === "filtered") {
    return (
      <Card className="flex flex-col items-center gap-3 px-6 py-12 text-center">
        <p className="font-medium">No uploads match these filters</p>
        <p className="text-muted-foreground text-sm">
          Other uploads exist; loosen or clear the filters to see them.
        </p>
        <Button variant="outline" onClick={onClearFilters}>
          Clear filters
        </Button>
      </Card>
    );
  }
  if (reason === "unlisted") {
    return (
      <Card className="flex flex-col items-center gap-2 px-6 py-12 text-center">
        <p className="font-medium">No uploads could be listed</p>
        <p className="text-muted-foreground max-w-prose text-sm">
          {unlistedBuckets === 1 ? "One bucket" : `${unlistedBuckets} buckets`} could not be listed
          (see above), so incomplete uploads there are unknown — not absent.
        </p>
      </Card>
    );
  }
  return (
    <Card className="flex flex-col items-center gap-2 px-6 py-12 text-center">
      <svg
        aria-hidden
        viewBox="0 0 24 24"
        className="text-success size-8"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
      >
        <circle cx="12" cy="12" r="9" />
        <path d="M8 12.5l2.5 2.5L16 9.5" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <p className="font-medium">
        No incomplete uploads — nothing is being billed for unfinished parts
      </p>
      <p className="text-muted-foreground text-sm">New uploads appear here on the next refresh.</p>
    </Card>
  );
}

import type { BucketInventory } from "@/lib/uploads/types";

/** Messages quote names in `backticks`: show those as code. */
function Sentence({ text }: { text: string }) {
  return (
    <>
      {text.split("`").map((part, i) =>
        i % 2 === 1 ? (
          <code key={i} className="bg-muted text-foreground rounded px-1 font-mono text-xs">
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

/** Buckets that could not be listed: said as problems to fix, never as "0 uploads". */
export function BucketProblems({ buckets }: { buckets: readonly BucketInventory[] }) {
  const failed = buckets.filter((b) => b.error);
  if (failed.length === 0) return null;
  return (
    <div
      className="border-destructive/30 bg-destructive/5 rounded-md border px-3 py-2 text-sm"
      data-testid="bucket-problems"
    >
      <p className="text-destructive font-medium">
        {failed.length === 1 ? "1 bucket" : `${failed.length} buckets`} could not be fully listed —
        uploads there are not shown or counted
      </p>
      <ul className="text-muted-foreground mt-1 flex flex-col gap-0.5">
        {failed.map((b) => (
          <li key={b.bucket}>
            {/* The sentence names the bucket; add it when it does not. */}
            <Sentence
              text={
                b.error?.message.includes(b.bucket)
                  ? b.error.message
                  : `\`${b.bucket}\`: ${b.error?.message ?? "the listing failed."}`
              }
            />
          </li>
        ))}
      </ul>
    </div>
  );
}

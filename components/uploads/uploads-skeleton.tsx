import { cn } from "@/lib/utils";

/** Placeholder while the first listing is on its way. */
export function UploadsSkeleton({
  label = "Listing uploads…",
  className,
}: {
  label?: string;
  className?: string;
}) {
  return (
    <div role="status" aria-live="polite" className={cn("flex flex-col gap-4", className)}>
      <span className="sr-only">{label}</span>
      <div aria-hidden className="border-border bg-card rounded-lg border p-4">
        <div className="flex gap-10">
          <div className="bg-muted h-10 w-64 animate-pulse rounded" />
          <div className="bg-muted h-10 w-48 animate-pulse rounded" />
        </div>
        <div className="mt-3 flex gap-1.5">
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="bg-muted h-6 w-40 animate-pulse rounded-full" />
          ))}
        </div>
      </div>
      <div aria-hidden className="bg-muted h-9 w-full max-w-3xl animate-pulse rounded" />
      <div aria-hidden className="border-border bg-card overflow-hidden rounded-lg border">
        <div className="border-border bg-muted/50 h-10 border-b" />
        {Array.from({ length: 8 }, (_, i) => (
          <div
            key={i}
            className="border-border flex h-[52px] items-center gap-6 border-b px-3 last:border-0"
          >
            <div className="bg-muted h-3 w-24 animate-pulse rounded" />
            <div className="bg-muted h-3 flex-1 animate-pulse rounded" />
            <div className="bg-muted h-3 w-20 animate-pulse rounded" />
            <div className="bg-muted h-3 w-16 animate-pulse rounded" />
          </div>
        ))}
      </div>
    </div>
  );
}

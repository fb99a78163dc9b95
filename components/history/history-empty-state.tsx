import Link from "next/link";
import { Card } from "@/components/ui/card";

export function HistoryEmptyState() {
  return (
    <Card className="flex flex-col items-center gap-3 px-6 py-14 text-center">
      <span aria-hidden className="grid size-12 place-items-center rounded-full bg-muted text-xl text-muted-foreground">
        ∅
      </span>
      <h2 className="text-base font-semibold">Nothing reclaimed yet</h2>
      <p className="max-w-md text-sm text-muted-foreground">
        Aborts you make on the Uploads page are recorded here: what each upload held, who aborted it, and the proof
        that its parts are gone.
      </p>
      <Link
        href="/"
        className="mt-1 inline-flex h-9 items-center rounded-md bg-primary px-3.5 text-sm font-medium text-primary-foreground hover:bg-primary/90"
      >
        Go to Uploads
      </Link>
    </Card>
  );
}

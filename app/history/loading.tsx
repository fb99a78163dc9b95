import { Card } from "@/components/ui/card";

function Block({ className }: { className: string }) {
  return <div className={`animate-pulse rounded-md bg-muted ${className}`} />;
}

/** Shown while the history page reads the ledger. */
export default function HistoryLoading() {
  return (
    <>
      <div className="h-14 border-b border-border bg-card" />
      <main className="mx-auto flex max-w-[1600px] flex-col gap-4 px-4 py-5" aria-busy="true">
        <p role="status" className="sr-only">
          Loading the reclaimed storage history…
        </p>
        <Block className="h-7 w-48" />
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          {[0, 1, 2, 3].map((i) => (
            <Card key={i} className="flex flex-col gap-2 p-4">
              <Block className="h-3 w-24" />
              <Block className="h-7 w-28" />
              <Block className="h-3 w-36" />
            </Card>
          ))}
        </div>
        <div className="grid gap-3 lg:grid-cols-3">
          <Card className="p-4 lg:col-span-2">
            <Block className="h-44 w-full" />
          </Card>
          <Card className="p-4">
            <Block className="h-44 w-full" />
          </Card>
        </div>
        <Card className="p-4">
          <Block className="h-64 w-full" />
        </Card>
      </main>
    </>
  );
}

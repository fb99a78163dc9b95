// Shown while the page's server part (session, profiles) resolves.
export default function Loading() {
  return (
    <>
      <div aria-hidden className="h-14 border-b border-border bg-card" />
      <main className="mx-auto flex max-w-[1600px] flex-col gap-4 px-4 py-5" aria-busy="true">
        <p role="status" className="sr-only">
          Loading bulk cleanup…
        </p>
        <div className="h-9 w-48 animate-pulse rounded bg-muted" />
        <div className="grid items-start gap-4 lg:grid-cols-[22rem_minmax(0,1fr)]">
          <div className="h-96 animate-pulse rounded-lg border border-border bg-card" />
          <div className="h-64 animate-pulse rounded-lg border border-border bg-card" />
        </div>
        <div className="h-40 animate-pulse rounded-lg border border-border bg-card" />
      </main>
    </>
  );
}

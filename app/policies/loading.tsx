// Shown while the page's server part (the session) resolves.
export default function Loading() {
  return (
    <>
      <div aria-hidden className="h-14 border-b border-border bg-card" />
      <main className="mx-auto flex max-w-[1600px] flex-col gap-4 px-4 py-5" aria-busy="true">
        <p role="status" className="sr-only">
          Loading policies…
        </p>
        <div className="h-9 w-48 animate-pulse rounded bg-muted" />
        <div className="h-64 animate-pulse rounded-lg border border-border bg-card" />
      </main>
    </>
  );
}

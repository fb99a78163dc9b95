import { UploadsSkeleton } from "@/components/uploads/uploads-skeleton";

// Shown while the page's server part (session, profiles) resolves.
export default function Loading() {
  return (
    <>
      <div aria-hidden className="border-border bg-card h-14 border-b" />
      <main className="mx-auto flex max-w-[1600px] flex-col gap-4 px-4 py-5">
        <div className="bg-muted h-9 w-56 animate-pulse rounded" />
        <UploadsSkeleton label="Loading the uploads page…" />
      </main>
    </>
  );
}

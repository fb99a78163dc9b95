import { formatCount, plural, shortUploadId } from "@/lib/format";
import type { BulkPreview } from "@/lib/jobs/types";

/** How many match now, against how many were chosen. */
function difference(now: number, chosen: number): string {
  if (now === chosen) return "the same as you saw";
  return now > chosen ? `${formatCount(now - chosen)} more than you saw (new since)` : `${formatCount(chosen - now)} fewer than you saw (gone since)`;
}

/**
 * Where the selection came from, and what became of it: uploads chosen in the table (how
 * many chosen, how many still listed, which are gone), or "all matching" its filter (how many
 * the table showed, how many match now). Chosen uploads that are gone are named, not dropped.
 */
export function ChosenUploadsNote({ preview }: { preview: BulkPreview }) {
  const { origin, refs } = preview.selection;
  if (!origin && preview.missingRefs === 0) return null;
  const missing = preview.missingRefs;
  const matchingNow = preview.withActive.totals.count + preview.unknownExcluded;

  return (
    <section aria-label="Chosen uploads" data-testid="chosen-uploads" className="flex flex-col gap-1 rounded-md border border-primary/30 bg-primary/5 px-3 py-2 text-sm">
      {origin && refs ? (
        <p>
          <span className="font-medium">From the uploads table:</span> you chose {plural(origin.chosen, "upload")};{" "}
          {formatCount(refs.length - missing)} still listed and in this dry run
          {missing > 0 ? (
            <>
              , <span className="font-medium text-warning">{formatCount(missing)} gone since</span> (aborted or completed) and left out
            </>
          ) : null}
          .
        </p>
      ) : origin ? (
        <p>
          <span className="font-medium">From the uploads table:</span> you selected all {plural(origin.chosen, "upload")} matching its filter. Listed
          again on the server, {formatCount(matchingNow)} match now — {difference(matchingNow, origin.chosen)}.
        </p>
      ) : (
        <p className="text-muted-foreground">
          {plural(missing, "chosen upload is", "chosen uploads are")} no longer listed (aborted or completed since) and left out.
        </p>
      )}
      {preview.missingUploads.length > 0 ? (
        <details>
          <summary className="cursor-pointer text-muted-foreground hover:text-foreground">
            {missing > preview.missingUploads.length ? `Show the first ${formatCount(preview.missingUploads.length)}` : "Show them"}
          </summary>
          <ul className="mt-1 flex flex-col gap-0.5 font-mono text-xs" aria-label="Chosen uploads gone since">
            {preview.missingUploads.map((u) => (
              <li key={`${u.bucket}/${u.key}/${u.uploadId}`} className="break-all">
                <span className="text-muted-foreground">{u.bucket}/</span>
                {u.key} <span className="text-muted-foreground" title={u.uploadId}>({shortUploadId(u.uploadId)})</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

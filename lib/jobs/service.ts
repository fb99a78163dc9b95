import "server-only";
import { KnownError } from "@/lib/errors";
import { consumePreview, readyPreview } from "@/lib/jobs/preview";
import { startJob, type JobActor, type RunnerOptions } from "@/lib/jobs/runner";
import { byInitiated } from "@/lib/jobs/selection";
import type { BulkJob } from "@/lib/jobs/types";

// What app/actions/bulk.ts calls to start a job: from a preview the same user saw, with the
// count the admin typed. The job aborts exactly the previewed uploads (never uploads that
// appeared after the preview); ones aborted meanwhile by someone else end "already gone".

export async function startJobFromPreview(params: {
  previewId: string;
  actor: JobActor & { id: string };
  includeActive: boolean;
  confirmCount: number;
  options?: RunnerOptions;
}): Promise<BulkJob> {
  const previewed = readyPreview(params.previewId, params.actor.id);
  if (!previewed) {
    throw new KnownError("preview-expired", "This preview has expired or was already used — preview again to see the current selection.");
  }
  const idle = previewed.eligible.map((upload) => ({ ...upload, lookedActive: false }));
  const active = previewed.active.map((upload) => ({ ...upload, lookedActive: true }));
  const items = params.includeActive ? [...idle, ...active].sort(byInitiated) : idle;
  if (params.confirmCount !== items.length) {
    throw new KnownError(
      "selection-changed",
      `The selection changed — preview again. You confirmed ${params.confirmCount.toLocaleString("en-US")} uploads; the preview now selects ${items.length.toLocaleString("en-US")}.`,
    );
  }
  const job = await startJob({
    profile: previewed.profile,
    actor: params.actor,
    selection: previewed.preview.selection,
    includeActive: params.includeActive,
    items,
    options: params.options,
  });
  consumePreview(params.previewId);
  return job;
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { previewBulk, startBulkJob } from "@/app/actions/bulk";
import { ConfirmDialog } from "@/components/bulk/confirm-dialog";
import { FilterForm } from "@/components/bulk/filter-form";
import { JobView } from "@/components/bulk/job-view";
import { PreviewCard } from "@/components/bulk/preview-card";
import { bulkKeys, previewQuery } from "@/components/bulk/queries";
import { RecentJobs } from "@/components/bulk/recent-jobs";
import { Card } from "@/components/ui/card";
import { ActionFailure, unwrap } from "@/lib/action-result";
import { formFromSearchParams, searchParamsFromSelection, selectionFromForm, type BulkFilterForm, type FilterFieldErrors } from "@/lib/jobs/filter-params";
import type { BulkSelection } from "@/lib/jobs/types";

function replaceUrl(params: URLSearchParams): void {
  // Next's router keeps useSearchParams in sync with history.replaceState; no server round trip.
  window.history.replaceState(null, "", `/bulk?${params.toString()}`);
}

function actionError(error: unknown): { code: string; message: string } | null {
  if (!error) return null;
  if (error instanceof ActionFailure) return error.error;
  return { code: "internal", message: error instanceof Error ? error.message : "Something went wrong." };
}

/** The bulk cleanup page: selection → dry run → typed confirmation → job progress and report. */
export function BulkCleanup({
  profileId,
  endpointHost,
  initialForm,
  initialJobId,
  initialPreviewId,
  canAbort,
}: {
  profileId: string;
  endpointHost: string;
  initialForm: BulkFilterForm;
  initialJobId: string | null;
  /** A dry run already made on the server (Review in the uploads table). */
  initialPreviewId: string | null;
  canAbort: boolean;
}) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState(initialForm);
  const [errors, setErrors] = useState<FilterFieldErrors>({});
  const [previewId, setPreviewId] = useState<string | null>(initialPreviewId);
  const [includeActive, setIncludeActive] = useState(false);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [jobId, setJobId] = useState<string | null>(initialJobId);

  const previewState = useQuery({ ...previewQuery(previewId ?? ""), enabled: previewId !== null });

  const preview = useMutation({
    mutationFn: async (selection: BulkSelection) => unwrap(await previewBulk(selection)),
    onSuccess: (state) => {
      queryClient.setQueryData(bulkKeys.preview(state.previewId), state);
      setPreviewId(state.previewId);
      setIncludeActive(false);
    },
  });

  const start = useMutation({
    mutationFn: async (confirmCount: number) => {
      if (!previewId) throw new Error("Preview first.");
      return unwrap(await startBulkJob({ previewId, includeActive, confirmCount }));
    },
    onSuccess: (job) => {
      setConfirmOpen(false);
      setPreviewId(null);
      setJobId(job.id);
      const params = searchParamsFromSelection(job.selection);
      params.set("job", job.id);
      replaceUrl(params);
      void queryClient.invalidateQueries({ queryKey: bulkKeys.jobs(profileId) });
    },
  });

  function runPreview(selection?: BulkSelection) {
    let chosen = selection;
    if (!chosen) {
      const built = selectionFromForm(profileId, form);
      if (!built.ok) {
        setErrors(built.errors);
        return;
      }
      chosen = built.selection;
    }
    if (selection && !selection.refs) setForm(formFromSearchParams(searchParamsFromSelection(selection)));
    setErrors({});
    setJobId(null);
    setConfirmOpen(false);
    start.reset();
    replaceUrl(searchParamsFromSelection(chosen));
    preview.mutate(chosen);
  }

  function openJob(id: string) {
    setJobId(id);
    const params = new URLSearchParams(window.location.search);
    params.set("profile", profileId);
    params.set("job", id);
    replaceUrl(params);
  }

  function closeJob() {
    setJobId(null);
    const params = new URLSearchParams(window.location.search);
    params.delete("job");
    replaceUrl(params);
  }

  const ready = previewState.data?.status === "ready" ? previewState.data.preview : null;
  const previewError = actionError(preview.error) ?? actionError(previewState.error);

  return (
    <div className="flex flex-col gap-4">
      <div className="grid items-start gap-4 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <FilterForm profileId={profileId} form={form} errors={errors} pending={preview.isPending} onChange={setForm} onSubmit={() => runPreview()} />
        {/* On a phone a job comes first (a reload lands on it); a dry run follows the form. */}
        <div className={jobId ? "order-first flex min-w-0 flex-col gap-4 lg:order-none" : "flex min-w-0 flex-col gap-4"}>
          {jobId ? (
            <JobView key={jobId} jobId={jobId} canCancel={canAbort} onClose={closeJob} onRerun={(selection) => runPreview(selection)} />
          ) : previewError ? (
            <Card role="alert" className="border-destructive/40 p-5 text-sm">
              <p className="font-medium text-destructive">The dry run could not be made</p>
              <p className="mt-1 text-muted-foreground">{previewError.message}</p>
            </Card>
          ) : previewState.data ? (
            <PreviewCard
              state={previewState.data}
              includeActive={includeActive}
              onIncludeActiveChange={setIncludeActive}
              canAbort={canAbort}
              onAbort={() => {
                start.reset();
                setConfirmOpen(true);
              }}
            />
          ) : preview.isPending ? (
            <Card className="p-5 text-sm text-muted-foreground" role="status" aria-busy="true">
              Listing incomplete uploads…
            </Card>
          ) : (
            <Card className="flex flex-col gap-2 p-5 text-sm">
              <h2 className="text-base font-semibold">Dry run first</h2>
              <p className="text-muted-foreground">
                Choose the uploads on the left and press <span className="font-medium text-foreground">Preview</span>. The dry run lists them
                fresh from the endpoint with their parts counted — how many, how many bytes, the oldest and newest — and keeps uploads that look
                active apart. Nothing is aborted until you confirm by typing the count.
              </p>
            </Card>
          )}
        </div>
      </div>

      <RecentJobs profileId={profileId} currentJobId={jobId} onOpen={openJob} />

      <ConfirmDialog
        key={previewId ?? "none"}
        preview={ready}
        endpointHost={endpointHost}
        includeActive={includeActive}
        open={confirmOpen}
        pending={start.isPending}
        error={actionError(start.error)}
        onCancel={() => setConfirmOpen(false)}
        onConfirm={(count) => start.mutate(count)}
        onPreviewAgain={() => runPreview(ready?.selection)}
      />
    </div>
  );
}

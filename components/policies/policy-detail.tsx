"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { deletePolicyAction, pausePolicyAction, previewPolicyAction, runPolicyNowAction } from "@/app/actions/policies";
import { PreviewCard } from "@/components/bulk/preview-card";
import { bulkKeys, previewQuery } from "@/components/bulk/queries";
import { DeliveryList } from "@/components/policies/delivery-list";
import { RUN_STATUSES, TRIGGERS } from "@/components/policies/labels";
import { policyDetailQuery, policyKeys } from "@/components/policies/queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { BodyRow, ColumnHeader, ScrollTable, TableHeader } from "@/components/ui/table";
import { unwrap } from "@/lib/action-result";
import { formatBytes, formatDateTime, formatDuration, plural } from "@/lib/format";
import { describeSelection } from "@/lib/jobs/filter-params";
import { formatSizeParam } from "@/lib/units";
import { MODE_TEXT } from "@/lib/policies/form";
import type { PolicyRun, PolicyView, WebhookView } from "@/lib/policies/types";
import { cn } from "@/lib/utils";

function runFigures(run: PolicyRun): string {
  const parts: string[] = [];
  if (run.matchedUploads !== null) parts.push(`${plural(run.matchedUploads, "upload")} (${formatBytes(run.matchedBytes ?? 0)}) found`);
  if (run.activeExcluded) parts.push(`${run.activeExcluded} active left out`);
  if (run.reclaimedBytes !== null) parts.push(`${plural(run.reclaimedUploads ?? 0, "upload")} reclaimed (${formatBytes(run.reclaimedBytes)})`);
  return parts.join(" · ");
}

/** A policy: what it does, its buttons, a dry run on demand, its runs and webhook deliveries. */
export function PolicyDetail({
  view,
  webhooks,
  canEdit,
  now,
  selectedRunId,
  onSelectRun,
  onEdit,
  onDeleted,
}: {
  view: PolicyView;
  webhooks: WebhookView[];
  canEdit: boolean;
  now: number;
  selectedRunId: string | null;
  onSelectRun: (runId: string) => void;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const { policy, nextRunAt, running } = view;
  const headingId = useId();
  const queryClient = useQueryClient();
  const detail = useQuery(policyDetailQuery(policy.id));
  const [previewId, setPreviewId] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<"run" | "delete" | null>(null);
  const preview = useQuery({ ...previewQuery(previewId ?? ""), enabled: previewId !== null });
  const refresh = () => queryClient.invalidateQueries({ queryKey: policyKeys.all });

  const startPreview = useMutation({
    mutationFn: async () => unwrap(await previewPolicyAction({ policyId: policy.id })),
    onSuccess: (state) => {
      queryClient.setQueryData(bulkKeys.preview(state.previewId), state);
      setPreviewId(state.previewId);
    },
  });
  const runNow = useMutation({
    mutationFn: async () => unwrap(await runPolicyNowAction({ policyId: policy.id })),
    onSuccess: (run) => {
      setConfirm(null);
      setPreviewId(null);
      onSelectRun(run.id);
    },
    onSettled: refresh,
  });
  const pause = useMutation({
    mutationFn: async (paused: boolean) => unwrap(await pausePolicyAction({ policyId: policy.id, paused })),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: async () => unwrap(await deletePolicyAction({ policyId: policy.id })),
    onSuccess: () => {
      setConfirm(null);
      onDeleted();
    },
    onSettled: refresh,
  });
  const problem = startPreview.error ?? pause.error ?? (confirm ? null : (runNow.error ?? remove.error));
  const selection = describeSelection({ ...policy.selection, profileId: policy.profileId });
  const hooks = policy.webhooks.map((id) => webhooks.find((w) => w.id === id) ?? { id, format: "json" as const, host: "not configured" });

  return (
    <div className="flex flex-col gap-4">
      <Card aria-labelledby={headingId} className="flex flex-col gap-4 p-4 sm:p-5" data-testid="policy-detail">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="flex min-w-0 flex-col gap-1">
            <div className="flex flex-wrap items-center gap-2">
              <h2 id={headingId} className="text-base font-semibold">
                {policy.name}
              </h2>
              <Badge tone={policy.mode === "abort" ? "danger" : "info"}>{MODE_TEXT[policy.mode].label}</Badge>
              {policy.enabled ? <Badge tone="success">Active</Badge> : <Badge data-testid="paused-badge">Paused</Badge>}
              {running ? <Badge tone="info">Running now</Badge> : null}
            </div>
            <p className="text-xs text-muted-foreground">
              {MODE_TEXT[policy.mode].hint} Set by {policy.updatedBy} on {formatDateTime(policy.updatedAt)}
              {policy.createdBy !== policy.updatedBy ? ` (created by ${policy.createdBy})` : ""}.
            </p>
          </div>
          <div className="flex flex-wrap gap-2">
            <Button variant="outline" onClick={() => startPreview.mutate()} disabled={startPreview.isPending}>
              {startPreview.isPending ? "Previewing…" : "Preview now"}
            </Button>
            {canEdit ? (
              <>
                <Button
                  variant={policy.mode === "abort" ? "destructive" : "primary"}
                  onClick={() => (policy.mode === "abort" ? setConfirm("run") : runNow.mutate())}
                  disabled={runNow.isPending || running}
                  title={running ? "A run of this policy is going." : undefined}
                >
                  {running ? "Running…" : "Run now"}
                </Button>
                <Button variant="outline" onClick={onEdit}>
                  Edit
                </Button>
                <Button variant="outline" onClick={() => pause.mutate(policy.enabled)} disabled={pause.isPending}>
                  {policy.enabled ? "Pause" : "Resume"}
                </Button>
                <Button variant="ghost" className="text-destructive" onClick={() => setConfirm("delete")}>
                  Delete
                </Button>
              </>
            ) : null}
          </div>
        </div>

        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2 xl:grid-cols-4">
          <div>
            <dt className="text-xs font-medium text-muted-foreground uppercase">Uploads</dt>
            <dd className="font-mono text-xs break-words">
              {policy.profileId} · {selection.join(" · ")}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-muted-foreground uppercase">Schedule</dt>
            <dd>
              <span className="font-mono text-xs">{policy.schedule}</span> <span className="text-xs text-muted-foreground">({policy.timeZone})</span>
              <div className="text-xs text-muted-foreground" data-testid="detail-next-run">
                {nextRunAt
                  ? `Next run ${formatDateTime(nextRunAt, { seconds: new Date(nextRunAt).getUTCSeconds() !== 0 })}${Date.parse(nextRunAt) > now ? ` (in ${formatDuration(Date.parse(nextRunAt) - now)})` : " (due now)"}`
                  : policy.enabled
                    ? "No further run."
                    : "Paused: no scheduled run."}
              </div>
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-muted-foreground uppercase">Caps per run</dt>
            <dd className="text-xs">
              {plural(policy.maxUploads, "upload")} · {formatSizeParam(policy.maxBytes)}
              {policy.mode === "report" ? <div className="text-muted-foreground">Notifies above {plural(policy.notifyAbove, "upload")} found.</div> : null}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-muted-foreground uppercase">Webhooks</dt>
            <dd className="text-xs">
              {hooks.length === 0
                ? "None"
                : hooks.map((w) => (
                    <div key={w.id}>
                      <span className="font-mono">{w.id}</span> <span className="text-muted-foreground">→ {w.host}</span>
                    </div>
                  ))}
            </dd>
          </div>
        </dl>

        {problem ? (
          <p role="alert" className="text-sm text-destructive">
            {problem.message}
          </p>
        ) : null}
        {!canEdit ? <p className="text-xs text-muted-foreground">Viewers see policies and their reports; only admins create, change, run or delete them.</p> : null}
      </Card>

      {previewId && preview.data ? (
        <div className="flex flex-col gap-2">
          <PreviewCard
            state={preview.data}
            includeActive={false}
            onIncludeActiveChange={() => undefined}
            canAbort={false}
            onAbort={() => undefined}
            readOnly={{
              title: `Preview now: what ${policy.name} would ${policy.mode === "abort" ? "abort" : "report"}`,
              footer: (
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span>
                    Nothing was aborted and nothing is recorded.{" "}
                    {policy.mode === "abort" && preview.data.status === "ready"
                      ? preview.data.preview.eligible.totals.count > policy.maxUploads || preview.data.preview.eligible.totals.bytes > policy.maxBytes
                        ? "A run now would stop at the cap before aborting anything."
                        : "A run now would abort these (never the active ones), re-reading each right before its abort."
                      : ""}
                  </span>
                  <Button size="sm" variant="ghost" onClick={() => setPreviewId(null)}>
                    Close the preview
                  </Button>
                </div>
              ),
            }}
          />
        </div>
      ) : null}

      <Card className="flex flex-col">
        <h3 className="border-b border-border px-4 py-3 text-sm font-semibold">Runs</h3>
        {detail.isPending ? (
          <p className="px-4 py-3 text-sm text-muted-foreground">Loading…</p>
        ) : detail.isError ? (
          <p role="alert" className="px-4 py-3 text-sm text-destructive">
            {detail.error.message}
          </p>
        ) : detail.data.runs.length === 0 ? (
          <p className="px-4 py-3 text-sm text-muted-foreground">Not run yet. {policy.enabled && nextRunAt ? `The first run is due ${formatDateTime(nextRunAt)}.` : ""}</p>
        ) : (
          <ScrollTable caption={`Runs of ${policy.name}`} className="max-h-96 overflow-auto" tableClassName="min-w-[48rem]" data-testid="runs">
            <TableHeader className="sticky top-0 border-b border-border bg-card uppercase">
              <tr>
                <ColumnHeader className="px-4 py-2">Started</ColumnHeader>
                <ColumnHeader className="px-4 py-2">Why</ColumnHeader>
                <ColumnHeader className="px-4 py-2">Outcome</ColumnHeader>
                <ColumnHeader className="px-4 py-2">Figures</ColumnHeader>
              </tr>
            </TableHeader>
            <tbody>
              {detail.data.runs.map((run) => (
                <BodyRow key={run.id} className={cn(run.id === selectedRunId && "bg-primary/5")} data-testid="run-row">
                  <td className="px-4 py-2 whitespace-nowrap tabular-nums">
                    <button
                      type="button"
                      onClick={() => onSelectRun(run.id)}
                      aria-current={run.id === selectedRunId ? "true" : undefined}
                      className="underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-ring"
                    >
                      {formatDateTime(run.startedAt, { seconds: true })}
                      <span className="sr-only"> — open this run&apos;s report</span>
                    </button>
                  </td>
                  <td className="px-4 py-2 text-xs text-muted-foreground">
                    {TRIGGERS[run.trigger]}
                    {run.startedBy ? ` · ${run.startedBy}` : ""}
                  </td>
                  <td className="px-4 py-2">
                    <Badge tone={RUN_STATUSES[run.status].tone}>{RUN_STATUSES[run.status].label}</Badge>
                  </td>
                  <td className="px-4 py-2 text-xs text-muted-foreground tabular-nums">{runFigures(run)}</td>
                </BodyRow>
              ))}
            </tbody>
          </ScrollTable>
        )}
      </Card>

      <Card className="flex flex-col gap-2 p-4">
        <h3 className="text-sm font-semibold">Webhook deliveries</h3>
        {detail.data ? <DeliveryList deliveries={detail.data.deliveries} empty={policy.webhooks.length === 0 ? "This policy notifies no webhook." : "Nothing sent yet."} /> : null}
      </Card>

      <Dialog
        open={confirm === "run"}
        onClose={() => setConfirm(null)}
        title={`Run ${policy.name} now?`}
        description={
          <>
            It lists the uploads again and <strong className="text-destructive">aborts</strong> those matching — {selection.join(", ")} — that do not look active,
            unless there are more than {plural(policy.maxUploads, "upload")} or {formatSizeParam(policy.maxBytes)}. Aborted parts are gone for good. Use Preview now to see them first.
          </>
        }
      >
        <ConfirmActions mutation={runNow} label="Run and abort" pendingLabel="Starting…" onCancel={() => setConfirm(null)} />
      </Dialog>

      <Dialog
        open={confirm === "delete"}
        onClose={() => setConfirm(null)}
        title={`Delete ${policy.name}?`}
        description="It stops running on its schedule; a run going now stops at its next upload. Its list of runs and deliveries is removed; the bulk jobs it ran and the ledger rows stay."
      >
        <ConfirmActions mutation={remove} label="Delete policy" pendingLabel="Deleting…" onCancel={() => setConfirm(null)} />
      </Dialog>
    </div>
  );
}

/** A destructive confirmation's error (if the last try failed), Cancel, and the button that does it. */
function ConfirmActions({
  mutation,
  label,
  pendingLabel,
  onCancel,
}: {
  mutation: { mutate: () => void; isPending: boolean; error: Error | null };
  label: string;
  pendingLabel: string;
  onCancel: () => void;
}) {
  return (
    <>
      {mutation.error ? (
        <p role="alert" className="text-sm text-destructive">
          {mutation.error.message}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button variant="destructive" onClick={() => mutation.mutate()} disabled={mutation.isPending}>
          {mutation.isPending ? pendingLabel : label}
        </Button>
      </div>
    </>
  );
}

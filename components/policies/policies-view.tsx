"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { createPolicyAction, updatePolicyAction } from "@/app/actions/policies";
import { PolicyDetail } from "@/components/policies/policy-detail";
import { PolicyForm } from "@/components/policies/policy-form";
import { PolicyList } from "@/components/policies/policy-list";
import { policyKeys, policyListQuery } from "@/components/policies/queries";
import { RunReport } from "@/components/policies/run-report";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorCard, LoadingCard } from "@/components/ui/status-card";
import { unwrap } from "@/lib/action-result";
import { plural } from "@/lib/format";
import { emptyPolicyForm, formFromPolicy, type PolicyForm as PolicyFormFields } from "@/lib/policies/form";
import type { Policy } from "@/lib/policies/types";

type Editing = { kind: "new" } | { kind: "edit"; policy: Policy } | null;

function replaceUrl(policyId: string | null, runId: string | null): void {
  const params = new URLSearchParams();
  if (policyId) params.set("policy", policyId);
  if (runId) params.set("run", runId);
  const query = params.toString();
  window.history.replaceState(null, "", `/policies${query ? `?${query}` : ""}`);
}

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** The policies page: the list, then the chosen policy (or the form), then the chosen run's report. */
export function PoliciesView({
  canEdit,
  initialPolicyId,
  initialRunId,
}: {
  canEdit: boolean;
  initialPolicyId: string | null;
  initialRunId: string | null;
}) {
  const queryClient = useQueryClient();
  const list = useQuery(policyListQuery());
  const [policyId, setPolicyId] = useState(initialPolicyId);
  const [runId, setRunId] = useState(initialRunId);
  const [editing, setEditing] = useState<Editing>(null);

  const save = useMutation({
    mutationFn: async ({ form, id }: { form: PolicyFormFields; id: string | null }) =>
      unwrap(id ? await updatePolicyAction({ policyId: id, form }) : await createPolicyAction({ form })),
    // The list is read again before the form closes, so the saved policy is there to show.
    onSuccess: async (policy) => {
      await queryClient.invalidateQueries({ queryKey: policyKeys.all });
      setEditing(null);
      choose(policy.id, null);
    },
  });

  function choose(nextPolicy: string | null, nextRun: string | null) {
    setPolicyId(nextPolicy);
    setRunId(nextRun);
    replaceUrl(nextPolicy, nextRun);
  }

  function edit(next: Editing) {
    save.reset();
    setEditing(next);
  }

  if (list.isPending) return <LoadingCard>Loading policies…</LoadingCard>;
  if (list.isError) return <ErrorCard title="Could not load the policies" message={list.error.message} />;

  const { policies, webhooks, webhookProblem, profiles } = list.data;
  const selected = policies.find((v) => v.policy.id === policyId) ?? null;
  const now = list.dataUpdatedAt;

  return (
    <div className="flex flex-col gap-4">
      <Card className="flex flex-col">
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-border px-4 py-3">
          <div>
            <h2 className="text-base font-semibold">
              {policies.length === 0 ? "No policies yet" : plural(policies.length, "policy", "policies")}
            </h2>
            <p className="text-xs text-muted-foreground">
              Scheduled cleanups: abort uploads idle for days and old enough — never one that got a part recently — with caps, a report and webhooks.
            </p>
          </div>
          {canEdit ? (
            <Button onClick={() => edit({ kind: "new" })} disabled={editing?.kind === "new"}>
              New policy
            </Button>
          ) : null}
        </div>
        {policies.length === 0 ? (
          <p className="px-4 py-6 text-sm text-muted-foreground">
            A policy does what a lifecycle rule cannot: for example, every night, abort the uploads in <span className="font-mono">logs</span> idle for 3 days and older
            than 7, never one that received a part in the last hour, and report what it did.{" "}
            {canEdit ? "Start with a report policy: it only lists what it would abort." : "Admins create policies; you will see them here."}
          </p>
        ) : (
          <PolicyList views={policies} selectedId={policyId} now={now} onSelect={(id) => (edit(null), choose(id, null))} />
        )}
      </Card>

      {editing && canEdit ? (
        <PolicyForm
          key={editing.kind === "edit" ? editing.policy.id : "new"}
          title={editing.kind === "edit" ? `Edit ${editing.policy.name}` : "New policy"}
          initial={
            editing.kind === "edit"
              ? formFromPolicy(editing.policy)
              : emptyPolicyForm(profiles[0]?.id ?? "", webhooks.map((w) => w.id), browserTimeZone())
          }
          profiles={profiles}
          webhooks={webhooks}
          webhookProblem={webhookProblem}
          pending={save.isPending}
          serverError={save.error?.message ?? null}
          onSubmit={(form) => save.mutate({ form, id: editing.kind === "edit" ? editing.policy.id : null })}
          onCancel={() => edit(null)}
        />
      ) : selected ? (
        <PolicyDetail
          key={selected.policy.id}
          view={selected}
          webhooks={webhooks}
          canEdit={canEdit}
          now={now}
          selectedRunId={runId}
          onSelectRun={(id) => choose(selected.policy.id, id)}
          onEdit={() => edit({ kind: "edit", policy: selected.policy })}
          onDeleted={() => choose(null, null)}
        />
      ) : policyId ? (
        <ErrorCard title="No such policy" message="This policy does not exist (any more) — it may have been deleted." />
      ) : null}

      {runId && !editing ? <RunReport key={runId} runId={runId} canCancel={canEdit} onClose={() => choose(policyId, null)} /> : null}
    </div>
  );
}

import { queryOptions } from "@tanstack/react-query";
import { getPolicyDetailAction, getRunReportAction, listPoliciesAction } from "@/app/actions/policies";
import { isPermanentFailure, unwrap } from "@/lib/action-result";

// Query keys and options of the policies page. Every queryFn is one server action that
// answers at once; runs happen on the server and are polled here while they go.

const RUNNING_POLL_MS = 1_500;
const IDLE_POLL_MS = 15_000;

export const policyKeys = {
  all: ["policies"] as const,
  list: () => [...policyKeys.all, "list"] as const,
  detail: (policyId: string) => [...policyKeys.all, "detail", policyId] as const,
  run: (runId: string) => [...policyKeys.all, "run", runId] as const,
};

function poll(running: boolean | undefined, error: unknown) {
  if (error && isPermanentFailure(error)) return false;
  return running ? RUNNING_POLL_MS : IDLE_POLL_MS;
}

/** Every policy with its next run and last outcome; faster while a run goes. */
export function policyListQuery() {
  return queryOptions({
    queryKey: policyKeys.list(),
    queryFn: async () => unwrap(await listPoliciesAction({})),
    refetchInterval: (query) => poll(query.state.data?.policies.some((p) => p.running), query.state.error),
  });
}

/** A policy's runs and webhook deliveries. */
export function policyDetailQuery(policyId: string) {
  return queryOptions({
    queryKey: policyKeys.detail(policyId),
    queryFn: async () => unwrap(await getPolicyDetailAction({ policyId })),
    refetchInterval: (query) =>
      poll(
        query.state.data?.runs.some((r) => r.status === "running") ||
          query.state.data?.deliveries.some((d) => d.status === "sending" || d.status === "retrying"),
        query.state.error,
      ),
  });
}

/** One run's report: what it found, its deliveries (its bulk job is polled by the job view). */
export function runReportQuery(runId: string) {
  return queryOptions({
    queryKey: policyKeys.run(runId),
    queryFn: async () => unwrap(await getRunReportAction({ runId })),
    refetchInterval: (query) => {
      const report = query.state.data;
      return report?.active || report?.run.status === "running" ? RUNNING_POLL_MS : false;
    },
  });
}

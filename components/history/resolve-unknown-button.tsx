"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { resolveUnknownAttemptsAction } from "@/app/actions/history";
import type { ReverifyNotice } from "@/components/history/reverify-button";
import { historyKeys } from "@/components/history/queries";
import { Button } from "@/components/ui/button";
import { unwrap } from "@/lib/action-result";
import { plural } from "@/lib/format";

/** Re-verifies every attempt left unknown by an interrupted abort (admins). */
export function ResolveUnknownButton({ count, onResult }: { count: number; onResult: (notice: ReverifyNotice) => void }) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: async () => unwrap(await resolveUnknownAttemptsAction({})),
    onSuccess: (report) => {
      const parts = [
        `${report.goneUnknown} gone (cause unknown, not counted)`,
        `${report.alreadyGone} already gone`,
        `${report.failed} still there (now failed — abort again)`,
        `${report.unresolved} could not be verified`,
      ];
      if (report.inProgress > 0) parts.push(`${report.inProgress} too recent (may still be running)`);
      onResult({
        tone: report.unresolved > 0 ? "error" : "success",
        message: `Re-verified ${plural(report.checked, "unknown attempt")}: ${parts.join(", ")}.`,
      });
    },
    onError: (error) => onResult({ tone: "error", message: error.message }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: historyKeys.all }),
  });
  return (
    <Button variant="outline" size="sm" disabled={mutation.isPending} onClick={() => mutation.mutate()}>
      {mutation.isPending ? "Re-verifying…" : `Re-verify ${plural(count, "unknown attempt")}`}
    </Button>
  );
}

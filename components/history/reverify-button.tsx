"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { reverifyAttemptAction } from "@/app/actions/history";
import { historyKeys } from "@/components/history/queries";
import { Button } from "@/components/ui/button";
import { unwrap } from "@/lib/action-result";
import type { ReverifyResult } from "@/lib/uploads/types";

export interface ReverifyNotice {
  tone: "success" | "info" | "error";
  message: string;
}

function toneOf(result: ReverifyResult): ReverifyNotice["tone"] {
  if (result.status === "gone-unknown" || result.status === "already-gone") return "success";
  if (result.status === "unverifiable") return "error";
  return "info";
}

/** Re-checks one failed / verify-failed / unknown attempt against its endpoint (admins). */
export function ReverifyButton({ id, what, onResult }: { id: number; what: string; onResult: (notice: ReverifyNotice) => void }) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: async () => unwrap(await reverifyAttemptAction({ id })),
    onSuccess: (result) => onResult({ tone: toneOf(result), message: `Attempt #${id}: ${result.message}` }),
    onError: (error) => onResult({ tone: "error", message: `Attempt #${id}: ${error.message}` }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: historyKeys.all }),
  });
  return (
    <Button
      variant="outline"
      size="sm"
      disabled={mutation.isPending}
      aria-label={`Re-verify attempt #${id} (${what})`}
      onClick={() => mutation.mutate()}
    >
      {mutation.isPending ? "Verifying…" : "Re-verify"}
    </Button>
  );
}

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { abortUploadAction } from "@/app/actions/uploads";
import { unwrap } from "@/lib/action-result";
import { uploadKeys, uploadVerifyQuery } from "@/components/uploads/queries";
import { markGone, type LiveListing } from "@/lib/uploads/live-listing";
import type { UploadRow, VerifyResult } from "@/lib/uploads/types";
import {
  SHOW_OUTCOME_MS,
  abortingState,
  failedState,
  isDone,
  resolveVerification,
  stateFromResult,
  type AbortState,
} from "@/components/uploads/abort-state";

export type AbortStates = ReadonlyMap<string, AbortState>;

function withState(map: AbortStates, id: string, state: AbortState): AbortStates {
  const next = new Map(map);
  next.set(id, state);
  return next;
}

/**
 * Per-row aborts: an optimistic "aborting" state, the server's outcome, a fast verification
 * poll for rows being verified (one batched call for all of them), and removal of the row a
 * few seconds after it is proven gone.
 */
export function useUploadAborts(profileId: string, verifyMs: number) {
  const queryClient = useQueryClient();
  const [states, setStates] = useState<AbortStates>(() => new Map());

  const verifyingRows = useMemo(
    () => [...states.values()].filter((s) => s.phase === "verifying").map((s) => s.row),
    [states],
  );
  const onVerified = useCallback((results: VerifyResult[], receivedAt: number) => {
    setStates((map) => {
      let next: Map<string, AbortState> | null = null;
      for (const result of results) {
        const state = map.get(result.id);
        if (!state) continue;
        const resolved = resolveVerification(state, result, receivedAt);
        if (resolved !== state) {
          next ??= new Map(map);
          next.set(result.id, resolved);
        }
      }
      return next ?? map;
    });
  }, []);
  useQuery(uploadVerifyQuery(profileId, verifyingRows, verifyMs, onVerified));

  // Rows proven gone leave the table after showing their outcome for a few seconds.
  useEffect(() => {
    const timers: number[] = [];
    for (const [id, state] of states) {
      if (!isDone(state.phase) || state.hidden) continue;
      const wait = Math.max(0, state.since + SHOW_OUTCOME_MS - Date.now());
      timers.push(
        window.setTimeout(() => {
          queryClient.setQueryData<LiveListing>(uploadKeys.list(profileId), (old) =>
            old ? markGone(old, [id], Date.now()) : old,
          );
          setStates((map) => {
            const current = map.get(id);
            return current && isDone(current.phase)
              ? withState(map, id, { ...current, hidden: true })
              : map;
          });
        }, wait),
      );
    }
    return () => timers.forEach((t) => window.clearTimeout(t));
  }, [states, queryClient, profileId]);

  const mutation = useMutation({
    mutationKey: uploadKeys.abort(profileId),
    mutationFn: async (row: UploadRow) =>
      unwrap(
        await abortUploadAction({
          profileId,
          upload: { bucket: row.bucket, key: row.key, uploadId: row.uploadId },
        }),
      ),
    onMutate: (row) => {
      const previous = states.get(row.id);
      const optimistic = abortingState(row, Date.now());
      setStates((map) => withState(map, row.id, optimistic));
      return { previous, optimistic };
    },
    onSuccess: (result, row, context) => {
      setStates((map) =>
        withState(map, row.id, stateFromResult(context.optimistic, result, Date.now())),
      );
      if (result.outcome === "reclaimed" || result.outcome === "already-gone") {
        // Proven gone on the server: drop it from the listing; the row stays on screen from its snapshot.
        queryClient.setQueryData<LiveListing>(uploadKeys.list(profileId), (old) =>
          old ? markGone(old, [row.id], Date.now()) : old,
        );
      }
    },
    onError: (error, row, context) => {
      // Roll the optimistic state back, then say on the row what went wrong.
      const message =
        error instanceof Error && error.message
          ? error.message
          : "the request did not reach the server";
      setStates((map) =>
        withState(map, row.id, failedState(context?.previous, row, message, Date.now())),
      );
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: uploadKeys.list(profileId) }),
        // The ledger now holds the outcome: "reclaimed so far" moves.
        queryClient.invalidateQueries({ queryKey: uploadKeys.status(profileId) }),
      ]),
  });

  const { mutate } = mutation;
  const abort = useCallback((row: UploadRow) => mutate(row), [mutate]);

  // The newest change, for the live region.
  const latest = useMemo(() => {
    let newest: AbortState | undefined;
    for (const state of states.values()) if (!newest || state.since >= newest.since) newest = state;
    return newest;
  }, [states]);

  return { states, abort, latest };
}

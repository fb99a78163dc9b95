"use server";

import { z } from "zod";
import { pricedHistoryOverview } from "@/lib/ledger/cost-avoided";
import { isUtcDay, OUTCOME_FILTERS } from "@/lib/ledger/filter-params";
import { listAttempts, MAX_PAGE_SIZE } from "@/lib/ledger/history";
import { IN_FLIGHT_GRACE_MS, recoverUnknownAttempts, reverifyAttempt } from "@/lib/uploads/recovery";
import { defineAction, fail, ok } from "@/lib/safe-action";
import { bucketNameSchema, profileIdSchema } from "@/lib/schemas";

// Thin: parse → authorize (defineAction) → lib/ledger → typed result.

const day = z.string().refine(isUtcDay, "Dates are UTC days written YYYY-MM-DD.");

const historyFilter = z.object({
  outcome: z.enum(OUTCOME_FILTERS).optional(),
  profileId: profileIdSchema.optional(),
  bucket: bucketNameSchema.optional(),
  actorEmail: z.string().min(1).max(320).optional(),
  from: day.optional(),
  to: day.optional(),
});

export const historyOverviewAction = defineAction({ input: z.object({}), role: "viewer" }, async () =>
  ok(await pricedHistoryOverview()),
);

export const listAttemptsAction = defineAction(
  {
    input: z.object({
      filter: historyFilter,
      page: z.number().int().min(1).max(1_000_000).default(1),
      pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
    }),
    role: "viewer",
  },
  async ({ filter, page, pageSize }) => ok(await listAttempts(filter, { page, pageSize })),
);

/** Re-verify one failed / verify-failed / unknown attempt against its endpoint. */
export const reverifyAttemptAction = defineAction(
  { input: z.object({ id: z.number().int().positive() }), role: "admin" },
  async ({ id }) => {
    const result = await reverifyAttempt(id);
    if (result.entry === null) return fail("not-found", result.message);
    return ok(result);
  },
);

/** Resolve every attempt left unknown by an interrupted abort (older than the grace period). */
export const resolveUnknownAttemptsAction = defineAction({ input: z.object({}), role: "admin" }, async () => {
  const report = await recoverUnknownAttempts({ minAgeMs: IN_FLIGHT_GRACE_MS });
  // The per-row details are in the ledger; the page refetches it.
  const { results: _results, ...summary } = report;
  return ok(summary);
});

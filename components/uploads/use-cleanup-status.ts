import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { cleanupStatusQuery } from "@/components/uploads/queries";
import { policyCoverage, type PolicyCoverage } from "@/lib/policies/coverage";
import type { UploadRow } from "@/lib/uploads/types";

/**
 * The header's cleanup status for the listed rows (one query per profile and set of buckets,
 * shared by whoever asks), and which rows the profile's abort policies would catch.
 */
export function useCleanupStatus(profileId: string, rows: readonly UploadRow[]) {
  // Sorted so the query key changes only when the set of buckets does.
  const buckets = useMemo(() => [...new Set(rows.map((row) => row.bucket))].sort(), [rows]);
  const query = useQuery(cleanupStatusQuery(profileId, buckets));
  const policies = query.data?.policies;
  const coverage = useMemo<PolicyCoverage | null>(() => (policies ? policyCoverage(rows, policies) : null), [rows, policies]);
  return { query, policyCoverage: coverage };
}

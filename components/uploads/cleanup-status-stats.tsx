"use client";

import Link from "next/link";
import { useMemo, type ReactNode } from "react";
import { formatBytes, formatBytesExact, formatCount, plural } from "@/lib/format";
import type { NotCaught } from "@/lib/lifecycle-coverage";
import { useCleanupStatus } from "@/components/uploads/use-cleanup-status";
import { notCaughtByRuleOrPolicy } from "@/lib/policies/coverage";
import type { UploadRow } from "@/lib/uploads/types";

function Figure({
  label,
  href,
  bytes,
  detail,
  title,
  testId,
}: {
  label: string;
  href: string;
  bytes: number | null;
  detail: ReactNode;
  title?: string;
  testId: string;
}) {
  return (
    <div className="flex min-w-0 flex-col gap-0.5" data-testid={testId}>
      <Link
        href={href}
        className="text-muted-foreground hover:text-foreground w-fit text-xs font-medium tracking-wide uppercase underline-offset-2 hover:underline"
      >
        {label}
      </Link>
      <span className="flex flex-wrap items-baseline gap-x-2 tabular-nums">
        <span
          className="text-lg font-medium"
          title={title ?? (bytes === null ? undefined : formatBytesExact(bytes))}
        >
          {bytes === null ? "—" : formatBytes(bytes)}
        </span>
        <span className="text-muted-foreground text-sm">{detail}</span>
      </span>
    </div>
  );
}

function notCaughtDetail(figure: NotCaught | null, policies: number, failure: string | undefined): string {
  if (figure?.state === "known") {
    const { notCaught: totals, unknown } = figure;
    const unsized = totals.uncounted > 0 ? ` (${formatCount(totals.uncounted)} not sized yet)` : "";
    const unreadable =
      unknown.uploads > 0
        ? ` · ${formatCount(unknown.uploads)} in buckets whose rules are unreadable`
        : "";
    const byPolicy = policies > 0 ? ` · ${plural(policies, "abort policy", "abort policies")} counted` : "";
    return `${plural(totals.uploads, "upload")}${unsized}${unreadable}${byPolicy}`;
  }
  if (figure?.state === "unreadable" || failure) return "rules could not be read";
  return "reading bucket rules…";
}

/**
 * Beside what is still held: what Reclaim has reclaimed on this profile (the ledger) and
 * what neither a lifecycle rule nor an abort policy would ever abort, worked out here from
 * `rows` (the live listing), the rules of their buckets and the profile's enabled abort
 * policies. Both link to the view with the details.
 */
export function CleanupStatusStats({
  profileId,
  rows,
}: {
  profileId: string;
  rows: readonly UploadRow[];
}) {
  const { query } = useCleanupStatus(profileId, rows);
  const status = query.data;
  const figure = useMemo(
    () => (status ? notCaughtByRuleOrPolicy(rows, status.lifecycles, status.policies) : null),
    [rows, status],
  );
  // The action itself failed (session ended, too many buckets…) and nothing was shown yet.
  const failure = status ? undefined : query.error?.message;
  const profile = encodeURIComponent(profileId);
  const reclaimed = status?.reclaimed;
  return (
    <>
      <Figure
        testId="reclaimed-so-far"
        label="Reclaimed so far"
        href={`/history?profile=${profile}`}
        bytes={reclaimed?.allTime.bytes ?? null}
        title={failure}
        detail={
          reclaimed
            ? `${plural(reclaimed.allTime.uploads, "upload")} · ${formatBytes(reclaimed.last7d.bytes)} in 7 days`
            : failure
              ? "could not be read"
              : "reading the ledger…"
        }
      />
      <Figure
        testId="not-caught"
        label="Not caught by a rule or policy"
        href={`/buckets?profile=${profile}`}
        bytes={figure?.state === "known" ? figure.notCaught.bytes : null}
        title={figure?.state === "unreadable" ? figure.error.message : failure}
        detail={notCaughtDetail(figure, status?.policies.length ?? 0, failure)}
      />
    </>
  );
}

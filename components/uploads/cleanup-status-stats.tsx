"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useMemo, type ReactNode } from "react";
import { formatBytes, formatBytesExact, formatCount, plural } from "@/lib/format";
import { notCaught, type NotCaught } from "@/lib/lifecycle-coverage";
import { cleanupStatusQuery } from "@/components/uploads/queries";
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

function notCaughtDetail(figure: NotCaught | null, failure: string | undefined): string {
  if (figure?.state === "known") {
    const { notCaught: totals, unknown } = figure;
    const unsized = totals.uncounted > 0 ? ` (${formatCount(totals.uncounted)} not sized yet)` : "";
    const unreadable =
      unknown.uploads > 0
        ? ` · ${formatCount(unknown.uploads)} in buckets whose rules are unreadable`
        : "";
    return `${plural(totals.uploads, "upload")}${unsized}${unreadable}`;
  }
  if (figure?.state === "unreadable" || failure) return "rules could not be read";
  return "reading bucket rules…";
}

/**
 * Beside what is still held: what Reclaim has reclaimed on this profile (the ledger) and
 * what no lifecycle rule would ever abort, worked out here from `rows` (the live listing)
 * and the rules of their buckets. Both link to the view with the details.
 */
export function CleanupStatusStats({
  profileId,
  rows,
}: {
  profileId: string;
  rows: readonly UploadRow[];
}) {
  // Sorted so the query key changes only when the set of buckets does.
  const buckets = useMemo(() => [...new Set(rows.map((row) => row.bucket))].sort(), [rows]);
  const query = useQuery(cleanupStatusQuery(profileId, buckets));
  const status = query.data;
  const figure = useMemo(
    () => (status ? notCaught(rows, status.lifecycles) : null),
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
        label="Not caught by a lifecycle rule"
        href={`/buckets?profile=${profile}`}
        bytes={figure?.state === "known" ? figure.notCaught.bytes : null}
        title={figure?.state === "unreadable" ? figure.error.message : failure}
        detail={notCaughtDetail(figure, failure)}
      />
    </>
  );
}

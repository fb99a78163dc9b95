"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { cleanupStatusQuery } from "@/lib/queries";
import { formatBytes, formatBytesExact, formatCount, plural } from "@/lib/format";

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

/**
 * Beside what is still held: what Reclaim has reclaimed on this profile (the ledger) and
 * what no lifecycle rule would ever abort. Both link to the view with the details.
 */
export function CleanupStatusStats({ profileId }: { profileId: string }) {
  const status = useQuery(cleanupStatusQuery(profileId)).data;
  const profile = encodeURIComponent(profileId);
  const reclaimed = status?.reclaimed;
  const lifecycle = status?.lifecycle;
  const notCaught = lifecycle?.notCaught;
  return (
    <>
      <Figure
        testId="reclaimed-so-far"
        label="Reclaimed so far"
        href={`/history?profile=${profile}`}
        bytes={reclaimed?.allTime.bytes ?? null}
        detail={
          reclaimed
            ? `${plural(reclaimed.allTime.uploads, "upload")} · ${formatBytes(reclaimed.last7d.bytes)} in 7 days`
            : "reading the ledger…"
        }
      />
      <Figure
        testId="not-caught"
        label="Not caught by a lifecycle rule"
        href={`/buckets?profile=${profile}`}
        bytes={notCaught?.bytes ?? null}
        title={status?.lifecycleError?.message}
        detail={
          notCaught
            ? `${plural(notCaught.uploads, "upload")}${notCaught.uncounted > 0 ? ` (${formatCount(notCaught.uncounted)} not sized yet)` : ""}${lifecycle.unknown.uploads > 0 ? ` · ${formatCount(lifecycle.unknown.uploads)} in buckets whose rules are unreadable` : ""}`
            : status?.lifecycleError
              ? "rules could not be read"
              : "reading bucket rules…"
        }
      />
    </>
  );
}

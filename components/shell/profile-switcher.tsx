"use client";

import { usePathname, useRouter } from "next/navigation";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { PublicProfile } from "@/lib/public-profile";

/** Switches the endpoint profile in the URL; shows which endpoint is in view. */
export function ProfileSwitcher({ profiles, selectedId }: { profiles: PublicProfile[]; selectedId: string }) {
  const hydrated = useHydrated();
  const router = useRouter();
  const pathname = usePathname();
  const selected = profiles.find((p) => p.id === selectedId);

  return (
    <div className="flex min-w-0 flex-wrap items-center gap-2 text-sm">
      <label htmlFor="profile-switcher" className="text-muted-foreground">
        Endpoint
      </label>
      <select
        id="profile-switcher"
        value={selectedId}
        disabled={!hydrated || profiles.length < 2}
        onChange={(event) => {
          // A different endpoint has different buckets: keep no other filters.
          const params = new URLSearchParams();
          params.set("profile", event.target.value);
          router.push(`${pathname}?${params.toString()}`);
        }}
        className="h-9 max-w-full min-w-0 rounded-md border border-border bg-card px-2 text-sm"
      >
        {profiles.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </select>
      {selected ? (
        <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs text-muted-foreground" title="Endpoint in view">
          {selected.endpointHost}
        </code>
      ) : null}
    </div>
  );
}

import "server-only";
import { listPublicProfiles } from "@/lib/profiles";
import type { PublicProfile } from "@/lib/public-profile";

/** The profile chosen by `?profile=`, else the first configured. Unknown ids are reported, not replaced. */
export function resolveProfileParam(param: string | string[] | undefined): {
  profiles: PublicProfile[];
  selected: PublicProfile | null;
  unknownId: string | null;
} {
  const profiles = listPublicProfiles();
  const wanted = typeof param === "string" ? param : undefined;
  if (!wanted) return { profiles, selected: profiles[0] ?? null, unknownId: null };
  const selected = profiles.find((p) => p.id === wanted) ?? null;
  return { profiles, selected, unknownId: selected ? null : wanted };
}

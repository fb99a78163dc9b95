import { BucketOverview } from "@/components/buckets/bucket-overview";
import { ConfigProblem } from "@/components/shell/config-problem";
import { PageFrame } from "@/components/shell/page-frame";
import { ProfileSwitcher } from "@/components/shell/profile-switcher";
import { requirePageUser } from "@/lib/auth/page-guard";
import { resolveProfileParam } from "@/lib/profile-param";

export const dynamic = "force-dynamic";

export default async function BucketsPage({ searchParams }: PageProps<"/buckets">) {
  const user = await requirePageUser();
  const { profiles, selected, unknownId } = resolveProfileParam((await searchParams).profile);
  return (
    <PageFrame
      user={user}
      current="/buckets"
      title="Buckets"
      actions={selected ? <ProfileSwitcher profiles={profiles} selectedId={selected.id} /> : null}
    >
      {selected ? (
        // Keyed by profile so switching endpoints starts with a clean view (no dialog carried over).
        <BucketOverview key={selected.id} profileId={selected.id} canEdit={user.role === "admin"} />
      ) : (
        <ConfigProblem
          title="Unknown endpoint profile"
          message={`No profile named "${unknownId ?? ""}" is configured. Pick one of: ${profiles.map((p) => p.id).join(", ")}.`}
        />
      )}
    </PageFrame>
  );
}

import { BucketList } from "@/components/buckets/bucket-list";
import { ConfigProblem } from "@/components/shell/config-problem";
import { PageFrame } from "@/components/shell/page-frame";
import { ProfileSwitcher } from "@/components/shell/profile-switcher";
import { requirePageUser } from "@/lib/auth/page-guard";
import { resolveProfileParam } from "@/lib/profile-param";

export const dynamic = "force-dynamic";

export default async function UploadsPage({ searchParams }: PageProps<"/">) {
  const user = await requirePageUser();
  const { profiles, selected, unknownId } = resolveProfileParam((await searchParams).profile);
  return (
    <PageFrame
      user={user}
      current="/"
      title="Incomplete uploads"
      actions={selected ? <ProfileSwitcher profiles={profiles} selectedId={selected.id} /> : null}
    >
      {selected ? (
        <BucketList profileId={selected.id} />
      ) : (
        <ConfigProblem
          title="Unknown endpoint profile"
          message={`No profile named "${unknownId ?? ""}" is configured. Pick one of: ${profiles.map((p) => p.id).join(", ")}.`}
        />
      )}
    </PageFrame>
  );
}

import { Suspense } from "react";
import { ConfigProblem } from "@/components/shell/config-problem";
import { PageFrame } from "@/components/shell/page-frame";
import { ProfileSwitcher } from "@/components/shell/profile-switcher";
import { UploadsDashboard } from "@/components/uploads/uploads-dashboard";
import { UploadsSkeleton } from "@/components/uploads/uploads-skeleton";
import { requirePageUser } from "@/lib/auth/page-guard";
import { getEnv } from "@/lib/env";
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
        <Suspense fallback={<UploadsSkeleton />}>
          <UploadsDashboard
            key={selected.id}
            profileId={selected.id}
            storagePrice={selected.storagePrice}
            canAbort={user.role === "admin"}
            refreshMs={getEnv().RECLAIM_REFRESH_MS}
          />
        </Suspense>
      ) : (
        <ConfigProblem
          title="Unknown endpoint profile"
          message={`No profile named "${unknownId ?? ""}" is configured. Pick one of: ${profiles.map((p) => p.id).join(", ")}.`}
        />
      )}
    </PageFrame>
  );
}

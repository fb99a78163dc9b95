import { BulkCleanup } from "@/components/bulk/bulk-cleanup";
import { ConfigProblem } from "@/components/shell/config-problem";
import { PageFrame } from "@/components/shell/page-frame";
import { ProfileSwitcher } from "@/components/shell/profile-switcher";
import { requirePageUser } from "@/lib/auth/page-guard";
import { formFromSearchParams } from "@/lib/jobs/filter-params";
import { resolveProfileParam } from "@/lib/profile-param";

export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idParam(value: string | string[] | undefined): string | null {
  return typeof value === "string" && UUID.test(value) ? value : null;
}

/**
 * Bulk cleanup. The uploads table links here with its filter:
 * /bulk?profile=…&bucket=…&q=…&minAge=…&minSize=…&idle=… (and &job=<id> shows a job). Review in
 * the table makes the dry run first and opens it here: &preview=<id>.
 */
export default async function BulkPage({ searchParams }: PageProps<"/bulk">) {
  const user = await requirePageUser();
  const params = await searchParams;
  const { profiles, selected, unknownId } = resolveProfileParam(params.profile);
  const job = idParam(params.job);
  const preview = job ? null : idParam(params.preview);
  return (
    <PageFrame
      user={user}
      current="/bulk"
      title="Bulk cleanup"
      actions={selected ? <ProfileSwitcher profiles={profiles} selectedId={selected.id} /> : null}
    >
      {selected ? (
        <BulkCleanup
          key={selected.id}
          profileId={selected.id}
          endpointHost={selected.endpointHost}
          initialForm={formFromSearchParams(params)}
          initialJobId={job}
          initialPreviewId={preview}
          canAbort={user.role === "admin"}
        />
      ) : (
        <ConfigProblem
          title="Unknown endpoint profile"
          message={`No profile named "${unknownId ?? ""}" is configured. Pick one of: ${profiles.map((p) => p.id).join(", ")}.`}
        />
      )}
    </PageFrame>
  );
}

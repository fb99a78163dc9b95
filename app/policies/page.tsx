import { PoliciesView } from "@/components/policies/policies-view";
import { PageFrame } from "@/components/shell/page-frame";
import { requirePageUser } from "@/lib/auth/page-guard";

export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function idParam(value: string | string[] | undefined): string | null {
  return typeof value === "string" && UUID.test(value) ? value : null;
}

/**
 * Cleanup policies: the list, one policy (?policy=<id>) and one run's report (&run=<id>, the
 * link webhooks send). Everyone signed in sees them; admins create, change, run and delete.
 */
export default async function PoliciesPage({ searchParams }: PageProps<"/policies">) {
  const user = await requirePageUser();
  const params = await searchParams;
  return (
    <PageFrame user={user} current="/policies" title="Policies">
      <PoliciesView canEdit={user.role === "admin"} initialPolicyId={idParam(params.policy)} initialRunId={idParam(params.run)} />
    </PageFrame>
  );
}

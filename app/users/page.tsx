import { ConfigProblem } from "@/components/shell/config-problem";
import { PageFrame } from "@/components/shell/page-frame";
import { AddUserForm } from "@/components/users/add-user-form";
import { UsersTable } from "@/components/users/users-table";
import { requirePageUser } from "@/lib/auth/page-guard";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const user = await requirePageUser();
  return (
    <PageFrame user={user} current="/users" title="Users">
      {user.role === "admin" ? (
        <>
          <AddUserForm />
          <UsersTable currentUserId={user.id} />
        </>
      ) : (
        <ConfigProblem title="Admins only" message="Managing users needs the admin role. Ask an admin to change your role." />
      )}
    </PageFrame>
  );
}

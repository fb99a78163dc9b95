"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { setRoleAction, setUserEnabledAction } from "@/app/actions/users";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { BodyRow, ColumnHeader, ScrollTable, TableHeader } from "@/components/ui/table";
import { userKeys, userListQuery } from "@/components/users/user-queries";
import { unwrap } from "@/lib/action-result";
import { toRole, type Role } from "@/lib/auth/roles";
import { formatDateTime } from "@/lib/format";

export function UsersTable({ currentUserId }: { currentUserId: string }) {
  const queryClient = useQueryClient();
  const users = useQuery(userListQuery());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: userKeys.all });
  const changeRole = useMutation({
    mutationFn: async (input: { userId: string; role: Role }) => unwrap(await setRoleAction(input)),
    onSettled: invalidate,
  });
  const changeEnabled = useMutation({
    mutationFn: async (input: { userId: string; enabled: boolean }) => unwrap(await setUserEnabledAction(input)),
    onSettled: invalidate,
  });
  const problem = changeRole.error ?? changeEnabled.error;

  if (users.isPending) return <Card className="p-4 text-sm text-muted-foreground" role="status">Loading users…</Card>;
  if (users.isError) {
    return (
      <Card role="alert" className="p-4 text-sm text-destructive">
        {users.error.message}
      </Card>
    );
  }
  return (
    <Card>
      <p role="status" aria-live="polite" className="px-4 pt-2 text-sm text-destructive empty:hidden">
        {problem?.message}
      </p>
      <ScrollTable caption="Users" tableClassName="min-w-[640px]">
        <TableHeader className="border-b border-border uppercase">
          <tr>
            <ColumnHeader className="px-4 py-2">User</ColumnHeader>
            <ColumnHeader className="px-4 py-2">Role</ColumnHeader>
            <ColumnHeader className="px-4 py-2">Sign-in</ColumnHeader>
            <ColumnHeader className="px-4 py-2">Status</ColumnHeader>
            <ColumnHeader className="px-4 py-2">Added</ColumnHeader>
            <ColumnHeader className="px-4 py-2"><span className="sr-only">Actions</span></ColumnHeader>
          </tr>
        </TableHeader>
        <tbody>
          {users.data.map((user) => {
            const self = user.id === currentUserId;
            return (
              <BodyRow key={user.id}>
                <td className="px-4 py-2">
                  <div className="font-medium">{user.name}</div>
                  <div className="text-muted-foreground">{user.email}</div>
                </td>
                <td className="px-4 py-2">
                  <label className="sr-only" htmlFor={`role-${user.id}`}>Role of {user.email}</label>
                  <select
                    id={`role-${user.id}`}
                    value={user.role}
                    disabled={self || changeRole.isPending}
                    onChange={(e) => changeRole.mutate({ userId: user.id, role: toRole(e.target.value) })}
                    className="h-8 rounded-md border border-border bg-card px-2 text-sm"
                  >
                    <option value="viewer">viewer</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td className="px-4 py-2 text-muted-foreground">{user.signIn}</td>
                <td className="px-4 py-2">
                  {user.banned ? <Badge tone="danger">disabled</Badge> : <Badge tone="success">active</Badge>}
                  {self ? <Badge className="ml-1">you</Badge> : null}
                </td>
                <td className="px-4 py-2 text-muted-foreground">{formatDateTime(user.createdAt)}</td>
                <td className="px-4 py-2 text-right">
                  {self ? null : (
                    <Button
                      size="sm"
                      variant="outline"
                      disabled={changeEnabled.isPending}
                      aria-label={`${user.banned ? "Enable" : "Disable"} ${user.email}`}
                      onClick={() => changeEnabled.mutate({ userId: user.id, enabled: user.banned })}
                    >
                      {user.banned ? "Enable" : "Disable"}
                    </Button>
                  )}
                </td>
              </BodyRow>
            );
          })}
        </tbody>
      </ScrollTable>
    </Card>
  );
}

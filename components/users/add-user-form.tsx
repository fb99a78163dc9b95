"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, type FormEvent } from "react";
import { createUserAction } from "@/app/actions/users";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { userKeys } from "@/components/users/user-queries";
import { unwrap } from "@/lib/action-result";
import { toRole, type Role } from "@/lib/auth/roles";

export function AddUserForm() {
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const create = useMutation({
    mutationFn: async (input: { email: string; name: string; password: string; role: Role }) =>
      unwrap(await createUserAction(input)),
    onSuccess: () => form.current?.reset(),
    onSettled: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    create.mutate({
      email: String(data.get("email") ?? ""),
      name: String(data.get("name") ?? ""),
      password: String(data.get("password") ?? ""),
      role: toRole(String(data.get("role"))),
    });
  }

  return (
    <Card className="p-4">
      <h2 className="mb-3 text-sm font-semibold">Add a user</h2>
      {/* Button disables itself until hydrated, and the form posts if it ever submits natively: the initial password stays out of URLs. */}
      <form ref={form} method="post" onSubmit={onSubmit} className="grid gap-3 sm:grid-cols-[1fr_1fr_1fr_auto_auto] sm:items-end">
        <label className="flex flex-col gap-1 text-sm">
          Email
          <Input name="email" type="email" required autoComplete="off" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Name
          <Input name="name" required autoComplete="off" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Initial password
          <Input name="password" type="password" minLength={8} required autoComplete="new-password" />
        </label>
        <div className="flex flex-col gap-1 text-sm">
          <label htmlFor="new-user-role">Role</label>
          <select id="new-user-role" name="role" defaultValue="viewer" className="h-9 rounded-md border border-border bg-card px-2 text-sm">
            <option value="viewer">viewer — sees uploads and history</option>
            <option value="admin">admin — also aborts</option>
          </select>
        </div>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add user"}
        </Button>
      </form>
      <p role="status" aria-live="polite" className="mt-2 min-h-5 text-sm">
        {create.isError ? <span className="text-destructive">{create.error.message}</span> : null}
        {create.isSuccess ? <span className="text-success">User added.</span> : null}
      </p>
    </Card>
  );
}

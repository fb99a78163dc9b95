import { queryOptions } from "@tanstack/react-query";
import { listUsersAction } from "@/app/actions/users";
import { unwrap } from "@/lib/action-result";

export const userKeys = {
  all: ["users"] as const,
  list: () => [...userKeys.all, "list"] as const,
};

export function userListQuery() {
  return queryOptions({ queryKey: userKeys.list(), queryFn: async () => unwrap(await listUsersAction({})) });
}

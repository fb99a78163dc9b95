import type { ReactNode } from "react";
import { AppHeader } from "@/components/shell/app-header";
import type { SessionUser } from "@/lib/auth/session";

export function PageFrame({
  user,
  current,
  title,
  actions,
  children,
}: {
  user: SessionUser;
  current: string;
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      <AppHeader user={user} current={current} />
      <main className="mx-auto flex max-w-[1600px] flex-col gap-4 px-4 py-5">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="text-lg font-semibold tracking-tight">{title}</h1>
          {actions}
        </div>
        {children}
      </main>
    </>
  );
}

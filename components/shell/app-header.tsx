import Link from "next/link";
import type { SessionUser } from "@/lib/auth/session";
import { SignOutButton } from "@/components/shell/sign-out-button";

const nav = [
  { href: "/", label: "Uploads" },
  { href: "/bulk", label: "Bulk cleanup" },
  { href: "/policies", label: "Policies" },
  { href: "/history", label: "Reclaimed" },
  { href: "/buckets", label: "Buckets" },
];

export function AppHeader({ user, current }: { user: SessionUser; current: string }) {
  const links = user.role === "admin" ? [...nav, { href: "/users", label: "Users" }] : nav;
  return (
    <header className="border-b border-border bg-card">
      <div className="mx-auto flex min-h-14 max-w-[1600px] flex-wrap items-center gap-x-6 gap-y-1 px-4 py-2">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
          <span aria-hidden className="grid size-7 place-items-center rounded-md bg-primary text-sm text-primary-foreground">
            R
          </span>
          Reclaim
        </Link>
        <nav
          aria-label="Main"
          className="order-last -mx-1 flex w-full items-center gap-1 overflow-x-auto text-sm md:order-none md:mx-0 md:w-auto"
        >
          {links.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              aria-current={current === item.href ? "page" : undefined}
              className="shrink-0 rounded-md px-2.5 py-1.5 text-muted-foreground hover:bg-muted hover:text-foreground aria-[current=page]:bg-muted aria-[current=page]:text-foreground"
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <span className="hidden text-muted-foreground lg:inline" data-testid="signed-in-as">
            {user.email} · <span className="font-medium text-foreground">{user.role}</span>
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}

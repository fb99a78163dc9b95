import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";

/** Stands in for a view while its data loads; screen readers hear it politely. */
export function LoadingCard({ children }: { children: ReactNode }) {
  return (
    <Card role="status" aria-busy="true" className="text-muted-foreground p-5 text-sm">
      {children}
    </Card>
  );
}

/** Stands in for a view that could not load: what failed, why, and an optional way on. */
export function ErrorCard({
  title,
  message,
  children,
}: {
  title: string;
  message: string;
  /** A way on, e.g. a "Try again" button. */
  children?: ReactNode;
}) {
  return (
    <Card role="alert" className="border-destructive/40 p-5 text-sm">
      <h2 className="text-destructive font-semibold">{title}</h2>
      <p className="text-muted-foreground mt-1">{message}</p>
      {children ? <div className="mt-3">{children}</div> : null}
    </Card>
  );
}

import { Card } from "@/components/ui/card";

/** Shown instead of a view when configuration prevents it; says what to fix. */
export function ConfigProblem({ title, message }: { title: string; message: string }) {
  return (
    <Card role="alert" className="border-destructive/40 p-5">
      <h2 className="font-semibold text-destructive">{title}</h2>
      <p className="mt-1 text-sm text-muted-foreground">{message}</p>
    </Card>
  );
}

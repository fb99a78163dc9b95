import { ErrorCard } from "@/components/ui/status-card";

/** Shown instead of a view when configuration prevents it; says what to fix. */
export function ConfigProblem({ title, message }: { title: string; message: string }) {
  return <ErrorCard title={title} message={message} />;
}

import { redirect } from "next/navigation";
import { LoginForm } from "@/components/shell/login-form";
import { currentUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function LoginPage() {
  if (await currentUser()) redirect("/");
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-2 text-center">
          <span aria-hidden className="grid size-10 place-items-center rounded-lg bg-primary text-lg font-semibold text-primary-foreground">
            R
          </span>
          <h1 className="text-xl font-semibold">Sign in to Reclaim</h1>
          <p className="text-sm text-muted-foreground">Incomplete multipart uploads, found and reclaimed.</p>
        </div>
        <LoginForm />
      </div>
    </main>
  );
}

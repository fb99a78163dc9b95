import { redirect } from "next/navigation";
import { LoginForm } from "@/components/shell/login-form";
import { SsoButton } from "@/components/shell/sso-button";
import { Card } from "@/components/ui/card";
import { signInErrorSentence } from "@/lib/auth/sign-in-errors";
import { currentUser } from "@/lib/auth/session";
import { getEnv, oidcSettings } from "@/lib/env";

export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: PageProps<"/login">) {
  if (await currentUser()) redirect("/");
  const { error } = await searchParams;
  const refusal = signInErrorSentence(typeof error === "string" ? error : undefined);
  const sso = oidcSettings();
  const passwordsOn = getEnv().RECLAIM_PASSWORD_SIGNIN === "on";
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
        {refusal && (
          <div role="alert" aria-label="Sign-in refused" className="mb-4 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-destructive">
            {refusal}
          </div>
        )}
        {sso && (
          <Card className="mb-4 p-5">
            <SsoButton providerName={sso.name} primary={!passwordsOn} />
          </Card>
        )}
        {passwordsOn ? (
          <LoginForm />
        ) : (
          <details className="text-sm">
            <summary className="cursor-pointer text-muted-foreground">Break-glass sign-in with a password</summary>
            <p className="my-2 text-muted-foreground">Only for accounts an operator marked break-glass.</p>
            <LoginForm breakGlassOnly />
          </details>
        )}
      </div>
    </main>
  );
}

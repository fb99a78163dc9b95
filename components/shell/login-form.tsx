"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { authClient } from "@/lib/auth/client";

/** `breakGlassOnly`: password sign-in is off except for break-glass accounts (the server does not say which). */
export function LoginForm({ breakGlassOnly = false }: { breakGlassOnly?: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const { error: signInError } = await authClient.signIn.email({
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    setPending(false);
    if (signInError) {
      setError(
        signInError.status === 429
          ? "Too many attempts. Wait a minute before trying again."
          : breakGlassOnly
            ? "Wrong email or password, or not a break-glass account (use single sign-on)."
            : "Wrong email or password.",
      );
      return;
    }
    router.replace("/");
    router.refresh();
  }

  return (
    <Card className="p-5">
      {/* Button stays disabled until hydrated, so Enter does nothing; should the form ever submit natively it posts. Either way no password goes into a URL. */}
      <form method="post" onSubmit={onSubmit} className="flex flex-col gap-4" aria-describedby={error ? "login-error" : undefined}>
        <label className="flex flex-col gap-1.5 text-sm font-medium">
          Email
          <Input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label className="flex flex-col gap-1.5 text-sm font-medium">
          Password
          <Input name="password" type="password" autoComplete="current-password" required />
        </label>
        <p id="login-error" role="alert" className="min-h-5 text-sm text-destructive">
          {error}
        </p>
        <Button type="submit" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </Card>
  );
}

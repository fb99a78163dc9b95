"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { authClient } from "@/lib/auth/client";
import { OIDC_PROVIDER_ID } from "@/lib/auth/oidc";

/** Starts sign-in at the identity provider (Better Auth builds the redirect with state, PKCE and nonce). */
export function SsoButton({ providerName, primary }: { providerName: string; primary: boolean }) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setPending(true);
    setError(null);
    const { error: startError } = await authClient.signIn.social({ provider: OIDC_PROVIDER_ID, callbackURL: "/", errorCallbackURL: "/login" });
    if (startError) {
      setPending(false);
      setError(
        startError.status === 429
          ? "Too many sign-ins from this address just now. Wait a minute and try again."
          : `Could not reach ${providerName}. Try again in a moment.`,
      );
    }
  }

  return (
    <div className="flex flex-col gap-2">
      <Button variant={primary ? "primary" : "outline"} onClick={start} disabled={pending}>
        {pending ? `Opening ${providerName}…` : `Sign in with ${providerName}`}
      </Button>
      {error && (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}

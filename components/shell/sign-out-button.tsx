"use client";

import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { useHydrated } from "@/components/ui/use-hydrated";
import { authClient } from "@/lib/auth/client";

export function SignOutButton() {
  const hydrated = useHydrated();
  const router = useRouter();
  // A click before hydration would do nothing while looking like a sign-out.
  return (
    <Button
      variant="outline"
      size="sm"
      disabled={!hydrated}
      onClick={async () => {
        await authClient.signOut();
        router.replace("/login");
        router.refresh();
      }}
    >
      Sign out
    </Button>
  );
}

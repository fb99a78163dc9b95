"use client";

import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-xl px-4 py-16">
      <Card role="alert" className="p-6">
        <h1 className="text-lg font-semibold">This page could not be shown</h1>
        <p className="mt-2 text-sm text-muted-foreground">
          The server hit a problem it did not expect. The server log has the details
          {error.digest ? ` (reference ${error.digest})` : ""}. Nothing was changed on your storage.
        </p>
        <Button className="mt-4" onClick={reset}>
          Try again
        </Button>
      </Card>
    </main>
  );
}

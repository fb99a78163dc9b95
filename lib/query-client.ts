import { isServer, QueryClient } from "@tanstack/react-query";

// A new client per server request; one shared client in the browser.
function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 2_000,
        refetchOnWindowFocus: true,
        // Permission and validation failures will not fix themselves by retrying.
        retry: (failureCount, error) =>
          failureCount < 2 && !(error instanceof Error && /denied|forbidden|sign in|invalid/i.test(error.message)),
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

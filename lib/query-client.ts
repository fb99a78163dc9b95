import { isServer, QueryClient } from "@tanstack/react-query";
import { isPermanentFailure } from "@/lib/action-result";

// A new client per server request; one shared client in the browser.
function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 2_000,
        refetchOnWindowFocus: true,
        // Session, permission, validation and configuration failures will not fix themselves
        // by retrying: judged by the action's error code, never its wording.
        retry: (failureCount, error) => failureCount < 2 && !isPermanentFailure(error),
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

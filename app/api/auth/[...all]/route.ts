import { toNextJsHandler } from "better-auth/next-js";
import { ensureAuthReady, getAuth } from "@/lib/auth/auth";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "@/lib/auth/client-address";

// Better Auth answers many endpoints (its admin API, sign-up, password and email changes,
// impersonation…). Over HTTP only what the dashboard's pages call is reachable; everything
// else is a 404, so no request can go around the rules lib/users.ts applies on the server.
const REACHABLE = new Set(["POST /api/auth/sign-in/email", "POST /api/auth/sign-out", "GET /api/auth/get-session"]);

async function handle(request: Request): Promise<Response> {
  if (!REACHABLE.has(`${request.method} ${new URL(request.url).pathname}`)) {
    return new Response("Not Found", { status: 404, headers: { "Cache-Control": "no-store" } });
  }
  await ensureAuthReady();
  // Better Auth limits sign-ins per client address: give it the one we know, never a value
  // the client sent (lib/auth/client-address.ts).
  const headers = new Headers(request.headers);
  headers.delete(CLIENT_ADDRESS_HEADER);
  const address = clientAddress(request.headers.get("x-forwarded-for"));
  if (address) headers.set(CLIENT_ADDRESS_HEADER, address);
  const forwarded = new Request(request, { headers });
  const handlers = toNextJsHandler(getAuth());
  return request.method === "GET" ? handlers.GET(forwarded) : handlers.POST(forwarded);
}

export { handle as GET, handle as POST };

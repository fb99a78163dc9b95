import { toNextJsHandler } from "better-auth/next-js";
import { ensureAuthReady, getAuth } from "@/lib/auth/auth";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "@/lib/auth/client-address";
import { OIDC_PROVIDER_ID } from "@/lib/auth/oidc";
import { oidcSettings } from "@/lib/env";

// Better Auth answers many endpoints (its admin API, sign-up, password and email changes,
// impersonation…). Over HTTP only what the dashboard's pages call is reachable; everything
// else is a 404, so no request can go around the rules lib/users.ts applies on the server.
const REACHABLE = new Set(["POST /api/auth/sign-in/email", "POST /api/auth/sign-out", "GET /api/auth/get-session"]);
// With single sign-on configured: the start of the redirect to the provider, and its way back.
const REACHABLE_WITH_SSO = new Set(["POST /api/auth/sign-in/social", `GET /api/auth/callback/${OIDC_PROVIDER_ID}`]);

function reachable(request: Request): boolean {
  const endpoint = `${request.method} ${new URL(request.url).pathname}`;
  return REACHABLE.has(endpoint) || (REACHABLE_WITH_SSO.has(endpoint) && oidcSettings() !== null);
}

async function handle(request: Request): Promise<Response> {
  if (!reachable(request)) {
    return new Response("Not Found", { status: 404, headers: { "Cache-Control": "no-store" } });
  }
  await ensureAuthReady();
  // Better Auth limits sign-ins per client address: give it the one we know, never a value
  // the client sent (lib/auth/client-address.ts).
  const headers = new Headers(request.headers);
  headers.delete(CLIENT_ADDRESS_HEADER);
  const address = clientAddress(request.headers.get("x-forwarded-for"));
  if (address) headers.set(CLIENT_ADDRESS_HEADER, address);
  // Rebuilt from its parts: the request Next hands a route handler is a Proxy, and on Node 24
  // `new Request(proxy)` and its body methods throw (undici keeps a request's state in private
  // fields). The body (a sign-in form) is small: read through its stream.
  const body = request.body ? await new Response(request.body).arrayBuffer() : null;
  const forwarded = new Request(request.url, { method: request.method, headers, body, signal: request.signal });
  const handlers = toNextJsHandler(getAuth());
  return request.method === "GET" ? handlers.GET(forwarded) : handlers.POST(forwarded);
}

export { handle as GET, handle as POST };

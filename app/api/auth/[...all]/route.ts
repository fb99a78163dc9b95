import { toNextJsHandler } from "better-auth/next-js";
import { ensureAuthReady, getAuth } from "@/lib/auth/auth";

// Better Auth answers many endpoints (its admin API, sign-up, password and email changes,
// impersonation…). Over HTTP only what the dashboard's pages call is reachable; everything
// else is a 404, so no request can go around the rules lib/users.ts applies on the server.
const REACHABLE = new Set(["POST /api/auth/sign-in/email", "POST /api/auth/sign-out", "GET /api/auth/get-session"]);

async function handle(request: Request): Promise<Response> {
  if (!REACHABLE.has(`${request.method} ${new URL(request.url).pathname}`)) {
    return new Response("Not Found", { status: 404, headers: { "Cache-Control": "no-store" } });
  }
  await ensureAuthReady();
  const handlers = toNextJsHandler(getAuth());
  return request.method === "GET" ? handlers.GET(request) : handlers.POST(request);
}

export { handle as GET, handle as POST };

import { toNextJsHandler } from "better-auth/next-js";
import { ensureAuthReady, getAuth } from "@/lib/auth/auth";

async function handle(request: Request): Promise<Response> {
  await ensureAuthReady();
  const handlers = toNextJsHandler(getAuth());
  return request.method === "GET" ? handlers.GET(request) : handlers.POST(request);
}

export { handle as GET, handle as POST };

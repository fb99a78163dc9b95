import { getSessionCookie } from "better-auth/cookies";
import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";

// Runs before every route. Two jobs, both cheap:
// - A page requested without a session cookie answers with an HTTP 307 to /login, so a
//   client without JavaScript, a monitoring probe or a proxy sees a redirect, not a page.
//   Only the cookie's presence is checked here; pages and every server action still check
//   the session itself (lib/auth/page-guard.ts, lib/safe-action.ts), which is the real guard.
//   Server actions (POST with a Next-Action header) pass through: they answer "your session
//   has ended" in their own result, which the UI shows.
// - Served over https (the configured URL), every response carries Strict-Transport-Security.

const HSTS = "max-age=31536000; includeSubDomains";

/** Paths that are not pages: the sign-in page, API routes (they answer for themselves), files. */
function isPage(pathname: string): boolean {
  return pathname !== "/login" && !pathname.startsWith("/api/") && !/\.[a-z0-9]+$/i.test(pathname);
}

export function proxy(request: NextRequest): NextResponse {
  const readsPage = (request.method === "GET" || request.method === "HEAD") && !request.headers.has("next-action");
  const response =
    readsPage && isPage(request.nextUrl.pathname) && !getSessionCookie(request)
      ? NextResponse.redirect(new URL("/login", request.url), 307)
      : NextResponse.next();
  if (getEnv().BETTER_AUTH_URL?.startsWith("https://")) response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};

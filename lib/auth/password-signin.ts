import "server-only";
import { BASE_ERROR_CODES, type BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { getEnv } from "@/lib/env";

// RECLAIM_PASSWORD_SIGNIN=off: people sign in through the identity provider, and a password
// opens only the accounts listed in RECLAIM_BREAK_GLASS_EMAILS (for when the provider is down
// or misconfigured). Any other email gets the answer of a wrong password, after as long (a
// password is hashed, as Better Auth does for an unknown email): which emails are break-glass,
// the accounts worth attacking while sign-in goes through the provider, is not told.

/** Whether this email may sign in with a password under the current settings. */
function passwordSignInAllowed(email: string): boolean {
  const env = getEnv();
  return env.RECLAIM_PASSWORD_SIGNIN === "on" || env.RECLAIM_BREAK_GLASS_EMAILS.includes(email.trim().toLowerCase());
}

export function isBreakGlass(email: string): boolean {
  return getEnv().RECLAIM_BREAK_GLASS_EMAILS.includes(email.trim().toLowerCase());
}

export const passwordSignInGate = {
  id: "reclaim-password-signin",
  hooks: {
    before: [
      {
        matcher: (context) => context.path === "/sign-in/email",
        handler: createAuthMiddleware(async (ctx) => {
          const body = ctx.body as { email?: unknown; password?: unknown } | undefined;
          const email = typeof body?.email === "string" ? body.email : "";
          if (!passwordSignInAllowed(email)) {
            await ctx.context.password.hash(typeof body?.password === "string" ? body.password : "");
            throw APIError.from("UNAUTHORIZED", BASE_ERROR_CODES.INVALID_EMAIL_OR_PASSWORD);
          }
        }),
      },
    ],
  },
} satisfies BetterAuthPlugin;

import "server-only";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { getEnv } from "@/lib/env";

// RECLAIM_PASSWORD_SIGNIN=off: people sign in through the identity provider, and a password
// opens only the accounts listed in RECLAIM_BREAK_GLASS_EMAILS (for when the provider is down
// or misconfigured). Checked before the password is, so the answer says nothing about it.

/** Whether this email may sign in with a password under the current settings. */
function passwordSignInAllowed(email: string): boolean {
  const env = getEnv();
  return env.RECLAIM_PASSWORD_SIGNIN === "on" || env.RECLAIM_BREAK_GLASS_EMAILS.includes(email.trim().toLowerCase());
}

export function isBreakGlass(email: string): boolean {
  return getEnv().RECLAIM_BREAK_GLASS_EMAILS.includes(email.trim().toLowerCase());
}

const PASSWORD_SIGNIN_OFF = "password_signin_off";

export const passwordSignInGate = {
  id: "reclaim-password-signin",
  hooks: {
    before: [
      {
        matcher: (context) => context.path === "/sign-in/email",
        handler: createAuthMiddleware(async (ctx) => {
          const body = ctx.body as { email?: unknown } | undefined;
          const email = typeof body?.email === "string" ? body.email : "";
          if (!passwordSignInAllowed(email)) {
            throw new APIError("FORBIDDEN", {
              code: PASSWORD_SIGNIN_OFF,
              message: "Password sign-in is turned off: sign in with single sign-on.",
            });
          }
        }),
      },
    ],
  },
} satisfies BetterAuthPlugin;

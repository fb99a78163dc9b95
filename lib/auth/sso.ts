import "server-only";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { genericOAuth } from "better-auth/plugins";
import { getDb } from "@/lib/db";
import type { OidcSettings } from "@/lib/env";
import { claimValues, roleFromGroups } from "@/lib/auth/idp-groups";
import { OIDC_PROVIDER_ID } from "@/lib/auth/oidc";
import type { Role } from "@/lib/auth/roles";
import { isLastAdminError } from "@/lib/auth/user-rules";
import { logger } from "@/lib/log";

// Single sign-on through Better Auth's generic OAuth plugin: discovery, PKCE, state, nonce,
// the ID token's signature, issuer and audience are checked by the library. Reclaim adds only
// its own rule: the identity provider's groups decide the role, at every sign-in, and someone
// in no listed group gets no account and no session.


/** Error codes the callback sends to /login (?error=…); the sign-in page explains each. */
const SSO_REFUSALS = {
  noGroup: "not_in_a_reclaim_group",
  lastAdmin: "last_admin_demotion",
} as const;

export function ssoPlugin(settings: OidcSettings) {
  return genericOAuth({
    config: [
      {
        providerId: OIDC_PROVIDER_ID,
        name: settings.name,
        discoveryUrl: `${settings.issuer}/.well-known/openid-configuration`,
        // Without a verified ID token there is no trustworthy `sub` or group list: refuse to run.
        requireIdTokenVerification: true,
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        scopes: ["openid", ...settings.scopes.filter((scope) => scope !== "openid")],
        pkce: true,
        // Name and email follow the provider at each sign-in; the role is set below.
        overrideUserInfo: true,
      },
    ],
  });
}

/**
 * Sign-in starts only as the browser redirect to the provider. Better Auth would also accept
 * an ID token posted directly to /sign-in/social (for native apps); Reclaim has none, and a
 * token obtained elsewhere for this client must not open a session without the redirect's
 * state, PKCE and nonce.
 */
export const ssoSignInGate = {
  id: "reclaim-sso-sign-in",
  hooks: {
    before: [
      {
        matcher: (context) => context.path === "/sign-in/social",
        handler: createAuthMiddleware(async (ctx) => {
          const body = ctx.body as { provider?: unknown; idToken?: unknown } | undefined;
          if (body?.provider !== OIDC_PROVIDER_ID || body.idToken !== undefined) {
            throw new APIError("BAD_REQUEST", { message: "Sign in through the identity provider's page." });
          }
        }),
      },
    ],
  },
} satisfies BetterAuthPlugin;

// The role a sign-in's groups give is decided in validateUserInfo (which sees the provider's
// claims) and applied when the user row or the session is written (which do not). Both run
// within the same callback request and receive the same endpoint context object: key by it.
const roleOfRequest = new WeakMap<object, Role>();

type ValidateUserInfo = NonNullable<NonNullable<import("better-auth").BetterAuthOptions["user"]>["validateUserInfo"]>;

export function ssoValidateUserInfo(settings: OidcSettings): ValidateUserInfo {
  return ({ source }, context) => {
    if (source.method !== "oauth" || source.oauth?.providerId !== OIDC_PROVIDER_ID) return;
    const groups = claimValues(source.oauth.profile ?? {}, settings.groupsClaim);
    const role = roleFromGroups(groups, settings);
    if (role === null) {
      return {
        error: SSO_REFUSALS.noGroup,
        errorDescription: "Your identity provider account is in no group that may use Reclaim.",
      };
    }
    roleOfRequest.set(context, role);
  };
}

/** Database hooks that write the role decided above: on a new user, and on each new session. */
export const ssoDatabaseHooks = {
  user: {
    create: {
      async before(user: Record<string, unknown>, context: object | null) {
        const role = context ? roleOfRequest.get(context) : undefined;
        if (role) return { data: { ...user, role } };
      },
    },
  },
  session: {
    create: {
      async before(session: Record<string, unknown>, context: object | null) {
        const role = context ? roleOfRequest.get(context) : undefined;
        if (!role || typeof session.userId !== "string") return;
        await applyRole(session.userId, role);
      },
    },
  },
};

/**
 * Sets the user's role to what the provider's groups say. The database refuses to demote the
 * last active admin (lib/auth/user-rules.ts); then this sign-in is refused rather than carried
 * out with a role the provider no longer grants. A break-glass local admin avoids this state.
 */
async function applyRole(userId: string, role: Role): Promise<void> {
  try {
    const db = await getDb();
    const changed = await db
      .updateTable("user")
      .set({ role, updatedAt: new Date().toISOString() })
      .where("id", "=", userId)
      .where((eb) => eb(eb.fn.coalesce("role", eb.val("")), "<>", role))
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) > 0) {
      logger().info({ event: "user-admin", target: userId, role, by: "identity provider" }, "role set from the identity provider's groups");
    }
  } catch (error) {
    if (!isLastAdminError(error)) throw error;
    throw new APIError("FORBIDDEN", {
      code: SSO_REFUSALS.lastAdmin,
      message: "Your identity provider no longer makes you an admin, and you are Reclaim's last active admin.",
    });
  }
}

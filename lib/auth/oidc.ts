// Plain constants of single sign-on, for server code and the sign-in page's button alike.

/** Better Auth's id for the identity provider: the callback is /api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = "oidc";

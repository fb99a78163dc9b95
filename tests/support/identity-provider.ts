// A real OpenID provider on loopback for the single sign-on tests: `oidc-provider` (an
// OpenID-certified implementation) with its development login form, which signs in whatever
// login is typed. Accounts are the test users below; their groups can be changed while it
// runs, as an administrator would in Keycloak or Entra ID.
import http from "node:http";
import { Provider } from "oidc-provider";
import { freePort } from "./app-server";

export interface IdpUser {
  email: string;
  name: string;
  groups: string[];
  /** Seconds an authorization code issued to this user lives (default 60). */
  codeTtl?: number;
  /** What the provider says of the email (email_verified); default true. */
  emailVerified?: boolean;
}

export interface IdentityProvider {
  issuer: string;
  /** The subject (`sub`) the provider gives a login: what Reclaim's ledger must record. */
  subjectOf(login: string): string;
  /** Replaces a user's groups; takes effect at their next sign-in. */
  setGroups(login: string, groups: string[]): void;
  /** Whether the provider considers this authorization code expired. */
  codeExpired(code: string): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * The subject (`sub`) the provider issues for a login. oidc-provider signs the account id as
 * `sub`, and its development login form makes the typed login the account id; the tests tell
 * it from the email, which is what a subject is recorded beside.
 */
const subjectOf = (login: string) => login;

export async function startIdentityProvider(options: {
  client: { id: string; secret: string; redirectUri: string };
  users: Record<string, IdpUser>;
}): Promise<IdentityProvider> {
  const users = structuredClone(options.users);
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.client.id,
        client_secret: options.client.secret,
        redirect_uris: [options.client.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    scopes: ["openid", "email", "profile", "groups"],
    // Claims go into the ID token, as Keycloak's and Entra ID's group claims do.
    conformIdTokenClaims: false,
    cookies: { keys: ["reclaim-test-idp-cookie-key"] },
    features: { devInteractions: { enabled: true } },
    ttl: {
      AuthorizationCode: (_ctx, code) => users[String(code.accountId)]?.codeTtl ?? 60,
    },
    async findAccount(_ctx, login) {
      const user = users[login];
      if (!user) return undefined;
      return {
        accountId: subjectOf(login),
        async claims() {
          return { sub: subjectOf(login), email: user.email, email_verified: user.emailVerified ?? true, name: user.name, groups: [...user.groups] };
        },
      };
    },
  });
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    issuer,
    subjectOf,
    setGroups(login, groups) {
      const user = users[login];
      if (!user) throw new Error(`no test user ${login}`);
      user.groups = [...groups];
    },
    async codeExpired(code) {
      const found = await provider.AuthorizationCode.find(code, { ignoreExpiration: true });
      if (!found) throw new Error("the provider never issued this code");
      return found.isExpired;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

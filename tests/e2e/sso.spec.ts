import crypto from "node:crypto";
import { readSqlite } from "../support/sqlite-file";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { freePort, startAppServer, type AppServer } from "../support/app-server";
import { rawClient } from "../support/gateway";
import { startIdentityProvider, type IdentityProvider, type IdpUser } from "../support/identity-provider";
import { createUploadWithParts, isListed } from "../support/sdk";
import { actionRef, callAction, signInCookie } from "../support/server-actions";

// Single sign-on against a real OpenID provider on loopback (tests/support/identity-provider.ts)
// and a production server configured for it. The provider's groups decide the role at every
// sign-in; a user in no group gets no account.

const BUCKET = "reclaim-backups";
const PROVIDER = "Test IdP";
const client = { id: "reclaim-e2e", secret: "reclaim-e2e-client-secret" };
const idpUsers: Record<string, IdpUser> = {
  alice: { email: "alice@idp.test", name: "Alice Admin", groups: ["storage-admins", "staff"] },
  bob: { email: "bob@idp.test", name: "Bob Viewer", groups: ["storage-viewers"] },
  carol: { email: "carol@idp.test", name: "Carol Nogroup", groups: ["marketing"] },
  dave: { email: "dave@idp.test", name: "Dave Mover", groups: ["storage-admins"] },
  // Her authorization codes expire after one second.
  erin: { email: "erin@idp.test", name: "Erin Late", groups: ["storage-admins"], codeTtl: 1 },
  // An admin at the provider who set her own email there to the local first admin's
  // (startAppServer's); the provider does not vouch for it. Signed in as that account, the
  // ledger would name the first admin for what she does.
  mallory: { email: "first-admin@reclaim.test", name: "Mallory", groups: ["storage-admins"], emailVerified: false },
};

let idp: IdentityProvider;
/** Another provider that knows the same client and users: not the one Reclaim trusts. */
let otherIdp: IdentityProvider;
let app: AppServer;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const port = await freePort();
  idp = await startIdentityProvider({
    client: { ...client, redirectUri: `http://127.0.0.1:${port}/api/auth/callback/oidc` },
    users: idpUsers,
  });
  otherIdp = await startIdentityProvider({
    client: { ...client, redirectUri: `http://127.0.0.1:${port}/api/auth/callback/oidc` },
    users: idpUsers,
  });
  app = await startAppServer({
    port,
    env: {
      RECLAIM_OIDC_ISSUER: idp.issuer,
      RECLAIM_OIDC_CLIENT_ID: client.id,
      RECLAIM_OIDC_CLIENT_SECRET: client.secret,
      RECLAIM_OIDC_SCOPES: "email profile groups",
      RECLAIM_OIDC_NAME: PROVIDER,
      RECLAIM_OIDC_ADMIN_GROUPS: "storage-admins",
      RECLAIM_OIDC_VIEWER_GROUPS: "storage-viewers, auditors",
    },
  });
});

test.afterAll(async () => {
  await app?.stop();
  await idp?.stop();
  await otherIdp?.stop();
});

async function freshPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: app.url });
  // The provider's development login page imports a web font; there is no internet here.
  await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
  return { context, page: await context.newPage() };
}

/** From Reclaim's sign-in page through the provider's login (and consent) form. */
async function startSsoSignIn(page: Page, login: string): Promise<void> {
  await page.goto("/login");
  await page.getByRole("button", { name: `Sign in with ${PROVIDER}` }).click();
  await page.waitForURL((url) => url.origin === idp.issuer);
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("any-password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
}

/**
 * Holds back the provider's redirect to Reclaim's callback; resolves with its URL. Playwright
 * cannot intercept a redirect, so the consent form's POST is sent by the test, whose request
 * context shares the browser's cookies, and its redirects are followed up to the callback.
 */
function captureCallback(context: BrowserContext, issuer: () => string = () => idp.issuer): Promise<URL> {
  return new Promise((resolve, reject) => {
    void context.route(
      (url) => url.origin === issuer() && url.pathname.startsWith("/interaction/"),
      async (route) => {
        const request = route.request();
        if (request.method() !== "POST" || !(request.postData() ?? "").includes("prompt=consent")) return route.continue();
        let response = await route.fetch({ maxRedirects: 0 });
        let location = new URL(response.headers()["location"] ?? "", request.url());
        for (let hop = 0; location.origin !== app.url && hop < 5; hop++) {
          response = await context.request.get(location.toString(), { maxRedirects: 0 });
          location = new URL(response.headers()["location"] ?? "", location);
        }
        if (location.pathname !== "/api/auth/callback/oidc") reject(new Error(`the provider sent the browser to ${location.href}`));
        else resolve(location);
        await route.fulfill({ status: 200, contentType: "text/html", body: "<p>callback held by the test</p>" });
      },
    );
  });
}

async function expectRefused(page: Page, sentence: string | RegExp): Promise<void> {
  await page.waitForURL((url) => url.origin === app.url && url.pathname === "/login");
  await expect(page.getByRole("alert", { name: "Sign-in refused" })).toContainText(sentence);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
}

async function ssoSignIn(page: Page, login: string): Promise<void> {
  await startSsoSignIn(page, login);
  await page.waitForURL((url) => url.origin === app.url && url.pathname === "/");
}

/** The ledger's row(s) for an upload, as written by the server. */
function ledgerRows(uploadId: string): { actor_email: string; actor_subject: string | null; outcome: string }[] {
  return readSqlite(
    app.dbFile,
    (db) =>
      db.prepare("SELECT actor_email, actor_subject, outcome FROM abort_attempt WHERE upload_id = ? ORDER BY id").all(uploadId) as {
        actor_email: string;
        actor_subject: string | null;
        outcome: string;
      }[],
  );
}

function userRow(email: string): { role: string | null; n: number } {
  const row = readSqlite(app.dbFile, (db) => db.prepare(`SELECT role FROM "user" WHERE email = ?`).get(email) as { role: string | null } | undefined);
  return { role: row?.role ?? null, n: row ? 1 : 0 };
}

function createUpload(key: string) {
  return createUploadWithParts(rawClient("admin"), BUCKET, key);
}

async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies(app.url)).map((c) => `${c.name}=${c.value}`).join("; ");
}

test("an admin-group user signs in with the provider and aborts an upload", async ({ browser }) => {
  test.setTimeout(180_000);
  const upload = await createUpload(`e2e-sso/${crypto.randomBytes(4).toString("hex")}/admin.bin`);
  const { context, page } = await freshPage(browser);
  await ssoSignIn(page, "alice");
  expect(userRow(idpUsers.alice!.email).role).toBe("admin");

  await page.goto(`/?q=${encodeURIComponent(upload.key)}`);
  await page.getByRole("button", { name: `Abort upload ${upload.key} in ${BUCKET}` }).click({ timeout: 60_000 });
  await page.getByRole("dialog", { name: "Abort this upload?" }).getByRole("button", { name: "Abort upload" }).click();
  await expect(page.getByRole("status", { name: "Abort results" })).toContainText(/Reclaimed/, { timeout: 60_000 });
  await expect.poll(() => isListed(rawClient("admin"), upload)).toBe(false);

  // The ledger names her by the provider's subject as well as her email, and History shows it.
  expect(ledgerRows(upload.uploadId)).toEqual([{ actor_email: idpUsers.alice!.email, actor_subject: idp.subjectOf("alice"), outcome: "reclaimed" }]);
  await page.goto(`/history?q=${encodeURIComponent(upload.key)}`);
  const row = page.getByRole("table", { name: "Abort attempts" }).getByRole("row").filter({ hasText: upload.key });
  await expect(row.getByTitle(`Identity provider subject: ${idp.subjectOf("alice")}`)).toBeVisible();
  await page.getByRole("table", { name: "Abort attempts" }).screenshot({ path: "test-results/screenshots/sso-history-subject.png" });

  await page.goto("/users");
  const rows = page.getByRole("table", { name: "Users" }).getByRole("row");
  await expect(rows.filter({ hasText: idpUsers.alice!.email })).toContainText(PROVIDER);
  await expect(rows.filter({ hasText: app.admin.email })).toContainText("Password");
  await page.screenshot({ path: "test-results/screenshots/sso-users-methods.png", fullPage: true });
  await context.close();
});

test("a viewer-group user sees no abort controls, and its abort sent over HTTP is refused", async ({ browser }) => {
  test.setTimeout(180_000);
  const upload = await createUpload(`e2e-sso/${crypto.randomBytes(4).toString("hex")}/viewer.bin`);
  const { context, page } = await freshPage(browser);
  await ssoSignIn(page, "bob");
  expect(userRow(idpUsers.bob!.email).role).toBe("viewer");

  await page.goto(`/?q=${encodeURIComponent(upload.key)}`);
  await expect(page.getByRole("row").filter({ hasText: upload.key })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("button", { name: /^Abort/ })).toHaveCount(0);

  const abort = actionRef("app/actions/uploads.ts", "abortUploadAction");
  const call = await callAction(app.url, abort, { profileId: "local", upload }, { cookie: await cookieHeader(context) });
  expect(call.result?.ok).toBe(false);
  expect(call.result?.error?.code).toBe("forbidden");
  expect(await isListed(rawClient("admin"), upload)).toBe(true);
  await context.close();
});

test("a user in no listed group is refused with a clear page, and no account is created", async ({ browser }) => {
  test.setTimeout(120_000);
  const { context, page } = await freshPage(browser);
  await startSsoSignIn(page, "carol");
  await page.waitForURL((url) => url.origin === app.url && url.pathname === "/login");
  await expect(page.getByRole("alert", { name: "Sign-in refused" })).toContainText("in no group that may use Reclaim");
  expect(userRow(idpUsers.carol!.email).n).toBe(0);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await context.close();
});

test("moving a user from the admin group to the viewer group takes effect at their next sign-in", async ({ browser }) => {
  test.setTimeout(240_000);
  const first = await freshPage(browser);
  await ssoSignIn(first.page, "dave");
  expect(userRow(idpUsers.dave!.email).role).toBe("admin");
  await first.context.close();

  idp.setGroups("dave", ["storage-viewers"]);
  const second = await freshPage(browser);
  await ssoSignIn(second.page, "dave");
  expect(userRow(idpUsers.dave!.email).role).toBe("viewer");
  await second.page.goto("/users");
  await expect(second.page.getByText("Admins only")).toBeVisible();
  await second.context.close();

  // Out of every group: refused at the next sign-in, the account stays (its history stays).
  idp.setGroups("dave", []);
  const third = await freshPage(browser);
  await startSsoSignIn(third.page, "dave");
  await third.page.waitForURL((url) => url.origin === app.url && url.pathname === "/login");
  await expect(third.page.getByRole("alert", { name: "Sign-in refused" })).toContainText("in no group that may use Reclaim");
  await third.context.close();
});

test("a callback whose state was tampered with is refused", async ({ browser }) => {
  test.setTimeout(120_000);
  const { context, page } = await freshPage(browser);
  const callback = captureCallback(context);
  await startSsoSignIn(page, "alice");
  const url = await callback;
  const state = url.searchParams.get("state") ?? "";
  expect(state).not.toBe("");
  url.searchParams.set("state", `${state.slice(0, -1)}${state.endsWith("A") ? "B" : "A"}`);
  await page.goto(url.toString());
  await expectRefused(page, "could not be matched to one started in this browser");
  await context.close();
});

test("an answer from another issuer is refused, with or without its iss parameter", async ({ browser }) => {
  test.setTimeout(180_000);
  const { context, page } = await freshPage(browser);
  // The browser is sent to the other provider with Reclaim's own request (state, PKCE, nonce).
  await context.route(
    (url) => url.origin === idp.issuer && url.pathname === "/auth",
    (route) => {
      const original = new URL(route.request().url());
      return route.fulfill({ status: 302, headers: { location: `${otherIdp.issuer}/auth${original.search}` } });
    },
  );
  await page.goto("/login");
  await page.getByRole("button", { name: `Sign in with ${PROVIDER}` }).click();
  await page.waitForURL((url) => url.origin === otherIdp.issuer);
  const callback = captureCallback(context, () => otherIdp.issuer);
  await page.locator("input[name=login]").fill("alice");
  await page.locator("input[name=password]").fill("any-password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  const url = await callback;
  expect(url.searchParams.get("iss")).toBe(otherIdp.issuer);

  const withoutIss = new URL(url);
  withoutIss.searchParams.delete("iss");
  await page.goto(url.toString());
  await expectRefused(page, "did not come from the configured identity provider");
  // Without `iss` the code is sent to the configured provider, which never issued it.
  await page.goto(withoutIss.toString());
  await page.waitForURL((u) => u.origin === app.url && u.pathname === "/login");
  await expect(page.getByRole("alert", { name: "Sign-in refused" })).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await context.close();
});

test("an expired authorization code is refused", async ({ browser }) => {
  test.setTimeout(120_000);
  const { context, page } = await freshPage(browser);
  const callback = captureCallback(context);
  await startSsoSignIn(page, "erin");
  const url = await callback;
  const code = url.searchParams.get("code") ?? "";
  await expect.poll(() => idp.codeExpired(code), { timeout: 10_000 }).toBe(true);
  await page.goto(url.toString());
  await expectRefused(page, "not accepted (it may have expired");
  expect(userRow(idpUsers.erin!.email).n).toBe(0);
  await context.close();
});

test("an email the provider does not vouch for never opens the local account that has it", async ({ browser }) => {
  test.setTimeout(180_000);
  expect(idpUsers.mallory!.email).toBe(app.admin.email);
  const { context, page } = await freshPage(browser);
  await startSsoSignIn(page, "mallory");
  await expectRefused(page, "did not confirm that the email is yours");
  // No session, and the local admin gained no single sign-on account.
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login$/);
  const linked = readSqlite(
    app.dbFile,
    (db) =>
      db
        .prepare(`SELECT count(*) AS n FROM account a JOIN "user" u ON u.id = a.userId WHERE u.email = ? AND a.providerId = 'oidc'`)
        .get(app.admin.email) as { n: number },
  );
  expect(linked.n).toBe(0);
  await context.close();
});

test("an ID token posted straight to /sign-in/social opens no session", async () => {
  const row = readSqlite(
    app.dbFile,
    (db) =>
      db
        .prepare(`SELECT a.idToken AS idToken FROM account a JOIN "user" u ON u.id = a.userId WHERE u.email = ? AND a.providerId = 'oidc'`)
        .get(idpUsers.alice!.email) as { idToken: string | null } | undefined,
  );
  const idToken = row?.idToken ?? "";
  expect(idToken.split(".")).toHaveLength(3);
  const response = await fetch(new URL("/api/auth/sign-in/social", app.url), {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url },
    body: JSON.stringify({ provider: "oidc", idToken: { token: idToken } }),
  });
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.headers.getSetCookie().some((c) => c.includes("session_token=") && !c.includes("Max-Age=0"))).toBe(false);
});

test("with password sign-in off only break-glass accounts use a password; the Users page shows each user's sign-in method", async ({ browser }) => {
  test.setTimeout(240_000);
  // A second server on the same provider (its redirect URI is the first server's: only
  // password sign-in is exercised here, plus the page as alice's SSO account left it).
  const strict = await startAppServer({
    env: {
      RECLAIM_OIDC_ISSUER: idp.issuer,
      RECLAIM_OIDC_CLIENT_ID: client.id,
      RECLAIM_OIDC_CLIENT_SECRET: client.secret,
      RECLAIM_OIDC_NAME: PROVIDER,
      RECLAIM_OIDC_ADMIN_GROUPS: "storage-admins",
      RECLAIM_PASSWORD_SIGNIN: "off",
      RECLAIM_BREAK_GLASS_EMAILS: "First-Admin@reclaim.test",
    },
  });
  try {
    const breakGlass = await signInCookie(strict.url, strict.admin);
    expect(breakGlass.status).toBe(200);
    const local = { email: "local-viewer@reclaim.test", name: "Local Viewer", password: "local-viewer-password", role: "viewer" };
    const created = await callAction(strict.url, actionRef("app/actions/users.ts", "createUserAction"), local, { cookie: breakGlass.cookie });
    expect(created.result?.ok).toBe(true);
    // The right password, but not a break-glass account: refused, with the very answer of a
    // wrong password or an unknown email, so the answers do not tell which emails are break-glass.
    const refused = await signInCookie(strict.url, local);
    const wrongPassword = await signInCookie(strict.url, { ...strict.admin, password: "not-the-password" });
    const unknown = await signInCookie(strict.url, { email: "nobody@reclaim.test", password: "whatever-password" });
    expect(wrongPassword.status).toBe(401);
    for (const answer of [refused, unknown]) {
      expect(answer.status).toBe(wrongPassword.status);
      expect(answer.body).toBe(wrongPassword.body);
    }
    expect(refused.setCookie.some((c) => c.includes("session_token=") && !c.includes("Max-Age=0"))).toBe(false);

    const context = await browser.newContext({ baseURL: strict.url });
    const page = await context.newPage();
    await page.goto("/login");
    await expect(page.getByRole("button", { name: `Sign in with ${PROVIDER}` })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/sso-sign-in.png" });
    await page.getByText("Break-glass sign-in with a password").click();
    // Not a break-glass account: the form says what may be wrong without telling which.
    await page.getByLabel("Email").fill(local.email);
    await page.getByLabel("Password").fill(local.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.locator("#login-error")).toHaveText("Wrong email or password, or not a break-glass account (use single sign-on).");
    await page.locator("main").screenshot({ path: "test-results/screenshots/sso-break-glass-refused.png" });
    await page.getByLabel("Email").fill(strict.admin.email);
    await page.getByLabel("Password").fill(strict.admin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await page.goto("/users");
    const rows = page.getByRole("table", { name: "Users" }).getByRole("row");
    await expect(rows.filter({ hasText: strict.admin.email })).toContainText("Password (break-glass)");
    await expect(rows.filter({ hasText: local.email })).toContainText("Password (turned off)");
    await page.screenshot({ path: "test-results/screenshots/sso-users.png", fullPage: true });
    await context.close();
  } finally {
    await strict.stop();
  }
});

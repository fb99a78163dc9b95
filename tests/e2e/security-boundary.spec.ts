// The trust boundary tried from outside, as an attacker would: plain HTTP requests to
// running production servers (curl-like, never through the UI). Tests that change users or
// configuration get a server of their own with a fresh database (tests/support/app-server).
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { CreateMultipartUploadCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import Database from "better-sqlite3";
import { readSqlite } from "../support/sqlite-file";
import { expect, test, users } from "../fixtures";
import { startAppServer, startExpectingRefusal, type AppServer } from "../support/app-server";
import { rawClient, repoRoot } from "../support/gateway";
import { actionRef, callAction, signInCookie } from "../support/server-actions";

const BUCKET = "reclaim-backups";
const ACCOUNT_LOCKED = /too many failed sign-ins for this account/i;
const ADDRESS_LIMITED = /too many requests/i;

const actions = {
  listUsers: () => actionRef("app/actions/users.ts", "listUsersAction"),
  createUser: () => actionRef("app/actions/users.ts", "createUserAction"),
  setRole: () => actionRef("app/actions/users.ts", "setRoleAction"),
  setEnabled: () => actionRef("app/actions/users.ts", "setUserEnabledAction"),
  listUploads: () => actionRef("app/actions/uploads.ts", "listUploadsAction"),
  abortUpload: () => actionRef("app/actions/uploads.ts", "abortUploadAction"),
};

interface UserRow {
  id: string;
  email: string;
  role: string;
  banned: number | null;
}

/** The users table of a fresh server, read-only, as the server wrote it. */
function usersOf(server: AppServer): UserRow[] {
  return readSqlite(server.dbFile, (db) => db.prepare("SELECT id, email, role, banned FROM user ORDER BY email").all() as UserRow[]);
}

function activeAdmins(server: AppServer): string[] {
  return usersOf(server)
    .filter((u) => u.role === "admin" && !u.banned)
    .map((u) => u.email);
}

function cookieHeader(stateFile: string): string {
  const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { cookies: { name: string; value: string }[] };
  return state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

async function postJson(server: { url: string; publicUrl: string }, route: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(new URL(route, server.url), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/json", origin: new URL(server.publicUrl).origin, ...headers },
    body: JSON.stringify(body),
  });
}

async function signInStatus(server: AppServer, email: string, password: string, headers: Record<string, string> = {}) {
  const response = await postJson(server, "/api/auth/sign-in/email", { email, password }, headers);
  return { status: response.status, text: await response.text() };
}

function randomAddress(): string {
  const b = crypto.randomBytes(3);
  return `198.${b[0] ?? 0}.${b[1] ?? 0}.${Math.max(1, b[2] ?? 1)}`;
}

test.describe("signed out", () => {
  test("every page answers with an HTTP 307 to /login, not a page that redirects in the browser", async ({ baseURL }) => {
    for (const route of ["/", "/buckets", "/bulk", "/history", "/users", "/history?bucket=x", "/no-such-page"]) {
      for (const rsc of [false, true]) {
        const response = await fetch(new URL(route, baseURL), { redirect: "manual", headers: rsc ? { RSC: "1" } : {} });
        expect(response.status, `${route} rsc=${rsc}`).toBe(307);
        expect(new URL(response.headers.get("location") ?? "", baseURL).pathname, route).toBe("/login");
      }
    }
    // The sign-in page itself and the health probe stay reachable.
    expect((await fetch(new URL("/login", baseURL), { redirect: "manual" })).status).toBe(200);
    expect((await fetch(new URL("/api/health", baseURL), { redirect: "manual" })).status).toBe(200);
  });
});

test("a signed-in viewer still gets the pages themselves", async ({ baseURL }) => {
  const cookie = cookieHeader(users.viewer.state);
  for (const route of ["/", "/history"]) {
    const response = await fetch(new URL(route, baseURL), { redirect: "manual", headers: { cookie } });
    expect(response.status, route).toBe(200);
  }
});

test("the CSV export quotes every text cell, so a ';' spreadsheet cannot split one into a formula", async ({ baseURL }) => {
  const run = crypto.randomBytes(3).toString("hex");
  const keys = [`e2e-csv/${run}/a;=1+1`, `=e2e-csv-${run};@SUM(1)`];
  const s3 = rawClient("admin");
  const cookie = cookieHeader(users.admin.state);
  const uploadIds: string[] = [];
  for (const key of keys) {
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const uploadId = created.UploadId ?? "";
    await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, PartNumber: 1, Body: Buffer.alloc(1024, 7) }));
    const aborted = await callAction(baseURL ?? "", actions.abortUpload(), { profileId: "local", upload: { bucket: BUCKET, key, uploadId } }, { cookie });
    expect(aborted.result?.ok, aborted.text).toBe(true);
    uploadIds.push(uploadId);
  }

  const response = await fetch(new URL(`/api/history/export?bucket=${BUCKET}`, baseURL), { headers: { cookie } });
  expect(response.status).toBe(200);
  const lines = (await response.text()).split("\r\n");
  for (const [i, uploadId] of uploadIds.entries()) {
    const line = lines.find((l) => l.includes(uploadId));
    expect(line, `row of ${keys[i]}`).toBeDefined();
    // Read as a spreadsheet set to ';' would: no cell may start a formula.
    for (const cell of splitOutsideQuotes(line ?? "", ";")) {
      expect(cell, `a ';' cell of ${line}`).not.toMatch(/^[=+\-@]/);
    }
    // Read with ',' (RFC 4180): every cell is empty, a number, or quoted text.
    for (const cell of splitOutsideQuotes(line ?? "", ",")) {
      expect(cell, `a ',' cell of ${line}`).toMatch(/^(|\d+|".*")$/s);
    }
  }
  // The formula guard stays: the key that starts with "=" is written with one leading quote.
  expect(lines.find((l) => l.includes(uploadIds[1] ?? "-"))).toContain(`"'${keys[1]}"`);
});

/** Raw cells of one CSV line split on `separator`, ignoring separators inside "…". */
function splitOutsideQuotes(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

test.describe("a fresh server whose first admin is its only admin", () => {
  let server: AppServer;
  let adminCookie = "";

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    server = await startAppServer();
    const signedIn = await signInCookie(server.url, server.admin);
    expect(signedIn.status, signedIn.body).toBe(200);
    adminCookie = signedIn.cookie;
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  async function createUser(email: string, role: "viewer" | "admin", password = "a-good-password") {
    const created = await callAction(server.url, actions.createUser(), { email, name: email, password, role }, { cookie: adminCookie });
    expect(created.result?.ok, created.text).toBe(true);
    const row = usersOf(server).find((u) => u.email === email);
    if (!row) throw new Error(`${email} was not created`);
    return { id: row.id, email, password };
  }

  test("Better Auth's endpoints other than sign-in and sign-out are not reachable over HTTP", async () => {
    const adminId = usersOf(server).find((u) => u.email === server.admin.email)?.id ?? "";
    const viewer = await createUser(`target-${Date.now()}@reclaim.test`, "viewer");
    const cookie = { cookie: adminCookie };
    const attempts: [string, string, unknown][] = [
      ["POST", "/api/auth/admin/impersonate-user", { userId: viewer.id }],
      ["POST", "/api/auth/admin/set-user-password", { userId: viewer.id, newPassword: "taken-over-password" }],
      ["POST", "/api/auth/admin/ban-user", { userId: viewer.id }],
      ["POST", "/api/auth/admin/unban-user", { userId: viewer.id }],
      ["POST", "/api/auth/admin/revoke-user-sessions", { userId: viewer.id }],
      ["POST", "/api/auth/admin/update-user", { userId: viewer.id, data: { role: "admin" } }],
      ["POST", "/api/auth/admin/create-user", { email: `other-${Date.now()}@reclaim.test`, password: "a-good-password", name: "x", role: "admin" }],
      ["GET", "/api/auth/admin/list-users", null],
      ["GET", `/api/auth/admin/get-user?id=${viewer.id}`, null],
      ["POST", "/api/auth/admin/list-user-sessions", { userId: viewer.id }],
      ["POST", "/api/auth/admin/has-permission", { permissions: { user: ["set-role"] } }],
      ["POST", "/api/auth/update-user", { name: "renamed" }],
      ["POST", "/api/auth/change-password", { currentPassword: server.admin.password, newPassword: "another-password" }],
      ["GET", "/api/auth/list-sessions", null],
      ["POST", "/api/auth/sign-up/email", { email: `signup-${Date.now()}@reclaim.test`, password: "a-good-password", name: "x" }],
      ["POST", "/api/auth/admin/remove-user", { userId: viewer.id }],
      ["POST", "/api/auth/admin/set-role", { userId: adminId, role: "viewer" }],
    ];
    const statuses: Record<string, number> = {};
    for (const [method, route, body] of attempts) {
      const response =
        method === "GET"
          ? await fetch(new URL(route, server.url), { headers: { ...cookie, origin: server.url }, redirect: "manual" })
          : await postJson(server, route, body, cookie);
      statuses[`${method} ${route}`] = response.status;
    }
    expect(statuses).toEqual(Object.fromEntries(attempts.map(([method, route]) => [`${method} ${route}`, 404])));

    // Nothing changed: the admin is still the admin, the viewer still a viewer with their password.
    expect(activeAdmins(server)).toEqual([server.admin.email]);
    expect(usersOf(server).find((u) => u.id === viewer.id)).toMatchObject({ role: "viewer" });
    expect((await signInCookie(server.url, viewer)).status).toBe(200);
  });

  test("the last admin stays an admin whatever the path: the dashboard, and the shell command", async () => {
    const adminId = usersOf(server).find((u) => u.email === server.admin.email)?.id ?? "";
    const demoted = await callAction(server.url, actions.setRole(), { userId: adminId, role: "viewer" }, { cookie: adminCookie });
    expect(demoted.result?.ok).toBe(false);
    const disabled = await callAction(server.url, actions.setEnabled(), { userId: adminId, enabled: false }, { cookie: adminCookie });
    expect(disabled.result?.ok).toBe(false);

    // `npm run user -- role …` on the server's own database.
    let refused = false;
    let output = "";
    try {
      output = execFileSync(path.join(repoRoot, "node_modules/.bin/tsx"), ["--conditions=react-server", "scripts/user.ts", "role", server.admin.email, "viewer"], {
        cwd: repoRoot,
        env: { ...process.env, RECLAIM_DB_FILE: server.dbFile, RECLAIM_PROFILES_FILE: server.profilesFile },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      refused = true;
      output = String((error as { stderr?: string }).stderr ?? error);
    }
    expect(refused, output).toBe(true);
    expect(output).toMatch(/last active admin/i);
    expect(activeAdmins(server)).toEqual([server.admin.email]);
  });

  test("two admins demoting each other at the same moment leave one admin", async () => {
    const second = await createUser(`second-admin-${Date.now()}@reclaim.test`, "admin");
    const secondCookie = (await signInCookie(server.url, second)).cookie;
    const first = { id: usersOf(server).find((u) => u.email === server.admin.email)?.id ?? "", cookie: adminCookie };
    for (let round = 0; round < 5; round++) {
      expect(activeAdmins(server).sort()).toEqual([server.admin.email, second.email].sort());
      const [a, b] = await Promise.all([
        callAction(server.url, actions.setRole(), { userId: second.id, role: "viewer" }, { cookie: first.cookie }),
        callAction(server.url, actions.setRole(), { userId: first.id, role: "viewer" }, { cookie: secondCookie }),
      ]);
      const admins = activeAdmins(server);
      expect(admins, `round ${round}: ${a.text} / ${b.text}`).toHaveLength(1);
      expect([a.result?.ok, b.result?.ok].filter(Boolean), `round ${round}`).toHaveLength(1);
      // The one left promotes the other back for the next round.
      const survivor = admins[0] === server.admin.email ? first.cookie : secondCookie;
      const other = admins[0] === server.admin.email ? second.id : first.id;
      const restored = await callAction(server.url, actions.setRole(), { userId: other, role: "admin" }, { cookie: survivor });
      expect(restored.result?.ok, restored.text).toBe(true);
    }
  });

  test("a configuration error reaches the browser as a sentence and a code; the details only the server log", async () => {
    const secretsFile = path.join(server.dir, "missing-secrets.json");
    const variants = [
      { needle: secretsFile, profile: { file: secretsFile } },
      { needle: "RECLAIM_TEST_UNSET_KEY_ID", profile: { env: { accessKeyId: "RECLAIM_TEST_UNSET_KEY_ID", secretAccessKey: "RECLAIM_TEST_UNSET_SECRET" } } },
    ];
    const original = fs.readFileSync(server.profilesFile, "utf8");
    try {
      for (const [i, variant] of variants.entries()) {
        const profiles = JSON.parse(original) as { profiles: { credentials: unknown }[] };
        for (const p of profiles.profiles) p.credentials = variant.profile;
        fs.writeFileSync(server.profilesFile, JSON.stringify(profiles));
        const stamp = new Date(Date.now() + (i + 1) * 10_000);
        fs.utimesSync(server.profilesFile, stamp, stamp); // a new mtime: the server re-reads the file

        const listed = await callAction(server.url, actions.listUploads(), { profileId: "local" }, { cookie: adminCookie });
        expect(listed.result, listed.text).toMatchObject({ ok: false, error: { code: "config" } });
        expect(listed.result?.error?.message.length ?? 0).toBeGreaterThan(20);
        for (const leak of [variant.needle, server.dir, "RECLAIM_", "profiles.json"]) {
          expect(listed.text, `action answer leaks ${leak}`).not.toContain(leak);
        }
        for (const route of ["/", "/buckets", "/bulk"]) {
          const page = await fetch(new URL(route, server.url), { headers: { cookie: adminCookie } });
          const body = await page.text();
          for (const leak of [variant.needle, server.dir, "RECLAIM_"]) expect(body, `${route} leaks ${leak}`).not.toContain(leak);
        }
        await expect.poll(() => server.log()).toContain(variant.needle);
      }
    } finally {
      fs.writeFileSync(server.profilesFile, original);
      const stamp = new Date(Date.now() + 60_000);
      fs.utimesSync(server.profilesFile, stamp, stamp);
    }
  });
});

test.describe("a fresh server whose public URL is plain http but not loopback", () => {
  let server: AppServer;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    server = await startAppServer({ publicUrl: "http://reclaim.internal:8080" });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test("its session cookie is Secure and it sends no HSTS", async () => {
    const signedIn = await signInCookie(server.url, server.admin, server.publicUrl);
    expect(signedIn.status, signedIn.body).toBe(200);
    expect(signedIn.setCookie.length).toBeGreaterThan(0);
    for (const cookie of signedIn.setCookie) expect(cookie, cookie).toMatch(/;\s*Secure/i);
    const login = await fetch(new URL("/login", server.url));
    expect(login.headers.get("strict-transport-security")).toBeNull();
  });

  test("wrong passwords sent in parallel: at most 5 are evaluated, then the account is locked", async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => signInStatus(server, server.admin.email, `wrong-password-${i}`)),
    );
    const evaluated = answers.filter((a) => a.status === 401).length;
    const locked = answers.filter((a) => a.status === 429 && ACCOUNT_LOCKED.test(a.text)).length;
    expect({ evaluated, locked, other: answers.length - evaluated - locked }).toEqual({ evaluated: 5, locked: 7, other: 0 });
    // Now even the right password is refused until the minute has passed.
    const right = await signInStatus(server, server.admin.email, server.admin.password);
    expect(right.status).toBe(429);
    expect(right.text).toMatch(ACCOUNT_LOCKED);
  });

  test("failed sign-ins with made-up emails store no email and nothing past their window", async () => {
    const long = `${"x".repeat(5_000)}@example.com`;
    const made = `made-up-${Date.now()}@example.com`;
    const answers = [await signInStatus(server, long, "whatever-password"), await signInStatus(server, made, "whatever-password")];
    expect(answers.map((a) => a.status)).toEqual([400, 401]);
    readSqlite(server.dbFile, (db) => {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'login%'").all() as { name: string }[]).map((t) => t.name);
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) {
        const dump = JSON.stringify(db.prepare(`SELECT * FROM "${table}"`).all());
        expect(dump).not.toContain("xxxxxxxxxx");
        expect(dump).not.toContain(made);
      }
    });
    // A row whose window has passed is gone after the next failure.
    const writable = new Database(server.dbFile, { fileMustExist: true });
    try {
      writable.pragma("busy_timeout = 5000");
      writable.prepare("UPDATE login_attempt SET window_start = window_start - 120000").run();
    } finally {
      writable.close();
    }
    expect((await signInStatus(server, `another-${Date.now()}@example.com`, "whatever-password")).status).toBe(401);
    const rows = readSqlite(server.dbFile, (db) => db.prepare("SELECT count(*) AS n FROM login_attempt").get() as { n: number });
    expect(rows.n).toBe(1);
  });

  test("a client that sends a new X-Forwarded-For on each request is still throttled by its address", async () => {
    const answers: number[] = [];
    for (let i = 0; i < 25; i++) {
      const answer = await signInStatus(server, `nobody-${i}-${Date.now()}@example.com`, "whatever-password", { "x-forwarded-for": randomAddress() });
      answers.push(answer.status === 429 && ADDRESS_LIMITED.test(answer.text) ? 429 : answer.status);
    }
    expect(answers.filter((s) => s === 429).length, answers.join(",")).toBeGreaterThanOrEqual(5);
  });
});

test.describe("a fresh server at an https URL behind a trusted proxy", () => {
  let server: AppServer;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    server = await startAppServer({ publicUrl: "https://reclaim.example", env: { RECLAIM_TRUSTED_PROXIES: "127.0.0.1" } });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test("responses carry Strict-Transport-Security and the session cookie is Secure", async () => {
    for (const route of ["/login", "/api/health", "/"]) {
      const response = await fetch(new URL(route, server.url), { redirect: "manual" });
      expect(response.headers.get("strict-transport-security") ?? "", route).toMatch(/max-age=\d{7,}/);
    }
    const signedIn = await signInCookie(server.url, server.admin, server.publicUrl);
    expect(signedIn.status, signedIn.body).toBe(200);
    for (const cookie of signedIn.setCookie) expect(cookie).toMatch(/;\s*Secure/i);
  });

  test("the proxy's X-Forwarded-For is believed: its rightmost address it did not add itself", async () => {
    // Every request from a different client: none is throttled by address.
    for (let i = 0; i < 22; i++) {
      const answer = await signInStatus(server, `nobody-${i}-${Date.now()}@example.com`, "whatever-password", { "x-forwarded-for": randomAddress() });
      expect(answer.status, answer.text).toBe(401);
    }
    // One client that puts made-up addresses in front of the header the proxy appends to.
    const answers: number[] = [];
    for (let i = 0; i < 22; i++) {
      const answer = await signInStatus(server, `nobody-${i}-${Date.now()}@example.com`, "whatever-password", {
        "x-forwarded-for": `${randomAddress()}, 203.0.113.7`,
      });
      answers.push(answer.status === 429 && ADDRESS_LIMITED.test(answer.text) ? 429 : answer.status);
    }
    expect(answers.filter((s) => s === 429).length, answers.join(",")).toBeGreaterThanOrEqual(2);
  });
});

test("in production the server refuses to start without its public URL", async () => {
  test.setTimeout(120_000);
  const started = await startExpectingRefusal({ publicUrl: null });
  expect(started.served, started.output).toBe(false);
  expect(started.exitCode, started.output).not.toBe(0);
  expect(started.output).toContain("BETTER_AUTH_URL");
});

import http from "node:http";
import path from "node:path";
import fs from "node:fs";
import { expect, screenshotDir, test, users } from "../fixtures";
import { findSecrets, filesBelow, gatewaySecrets } from "../support/secrets";

const distName = process.env.RECLAIM_DIST_DIR || ".next";
// What ships: the standalone folder these tests' server runs (scripts/build.sh, scripts/serve.sh).
const shipped = path.resolve(__dirname, "../..", distName, "standalone");

test("no S3 key is in any file of the deployable build, browser files or server", () => {
  const secrets = gatewaySecrets();
  expect(filesBelow(path.join(shipped, distName, "static")).length).toBeGreaterThan(0);
  const files = filesBelow(shipped);
  expect(files).toContain(path.join(shipped, "server.js"));
  for (const file of files) {
    expect(findSecrets(fs.readFileSync(file, "latin1"), secrets), file).toEqual([]);
  }
});

test("pages and their RSC payloads carry no S3 key", async ({ page, request }) => {
  const secrets = gatewaySecrets();
  const cookies = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  for (const route of ["/", "/buckets", "/history", "/bulk", "/buckets?profile=local-restricted"]) {
    for (const rsc of [false, true]) {
      const response = await request.get(route, { headers: { cookie: cookies, ...(rsc ? { RSC: "1" } : {}) } });
      expect(response.status(), route).toBeLessThan(500);
      expect(findSecrets(await response.text(), secrets), `${route} rsc=${rsc}`).toEqual([]);
    }
  }
});

test("every page carries the CSP and frame protections", async ({ request }) => {
  for (const route of ["/login", "/", "/api/health"]) {
    const response = await request.get(route, { maxRedirects: 0 });
    const headers = response.headers();
    const csp = headers["content-security-policy"] ?? "";
    expect(csp, route).toContain("frame-ancestors 'none'");
    expect(csp, route).toContain("object-src 'none'");
    expect(csp, route).toContain("form-action 'self'");
    expect(headers["x-frame-options"], route).toBe("DENY");
    expect(headers["referrer-policy"], route).toBeTruthy();
    expect(headers["x-powered-by"], route).toBeUndefined();
  }
});

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("pages redirect to sign-in", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Sign in to Reclaim" })).toBeVisible();
    await page.screenshot({ path: `${screenshotDir}/sign-in.png`, fullPage: true });
  });

  test("before the page's script runs, Enter on the sign-in form sends no password anywhere", async ({ page }) => {
    // The script never arrives: the form is only the server's HTML.
    await page.route("**/_next/static/**/*.js", (route) => route.abort());
    const sent: string[] = [];
    page.on("request", (request) => sent.push(`${request.method()} ${request.url()} ${request.postData() ?? ""}`));
    await page.goto("/login");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeDisabled();
    const password = `never-in-a-url-${Date.now()}`;
    await page.getByLabel("Email").fill(users.viewer.email);
    await page.getByLabel("Password").fill(password);
    await page.getByLabel("Password").press("Enter");
    // Give a native submission time to leave; none may carry the password.
    await page.waitForTimeout(500);
    expect(page.url()).not.toContain(password);
    expect(sent.filter((line) => line.includes(password))).toEqual([]);
    expect(sent.filter((line) => line.startsWith("GET ") && line.includes("/login"))).toHaveLength(1);
  });

  test("six wrong passwords in a minute are throttled", async ({ request }) => {
    const email = users.viewer.email;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await request.post("/api/auth/sign-in/email", {
        data: { email, password: `wrong-password-${i}` },
        headers: { origin: new URL(test.info().project.use.baseURL ?? "http://127.0.0.1").origin },
      });
      statuses.push(response.status());
    }
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses[5]).toBe(429);
  });
});

test("a profile that is not configured, or a URL as a profile, is rejected without any request", async ({ page }) => {
  // A listener standing in for an internal service an attacker would like us to call.
  let hits = 0;
  const listener = http.createServer((_req, res) => {
    hits++;
    res.end();
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const port = (listener.address() as { port: number }).port;
  try {
    for (const profile of ["nope", `http://127.0.0.1:${port}/`, `127.0.0.1:${port}`]) {
      await page.goto(`/?profile=${encodeURIComponent(profile)}`);
      await expect(page.getByText("Unknown endpoint profile")).toBeVisible();
    }
    expect(hits).toBe(0);
  } finally {
    listener.close();
  }
});

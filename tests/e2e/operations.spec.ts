// The operators' view against the running production server: /api/metrics answers only the
// bearer token (never a browser session), /api/ready reports the database and each profile's
// inventory, a server without a token has no metrics endpoint, the uploads header and the
// Reclaimed page show money at the profile's storage price, and an abort is one JSON log line.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CreateMultipartUploadCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import type { Page } from "@playwright/test";
import { parseCsvObjects } from "@/lib/ledger/csv";
import { formatMoney } from "@/lib/money";
import { expect, metricsToken, screenshotDir, test, users } from "../fixtures";
import { freePort } from "../support/app-server";
import { readSqlite } from "../support/sqlite-file";
import { instanceDir, rawClient, repoRoot } from "../support/gateway";
import { findSecrets, gatewaySecrets } from "../support/secrets";

const GIB = 1024 ** 3;
const BUCKET = "reclaim-backups";
const run = randomBytes(3).toString("hex");
const prefix = `e2e-ops/${run}/`;
const dbFile = path.join(instanceDir, "e2e.sqlite");
const raw = rawClient("admin");

// Each test lists 1,000+ uploads (and counts their parts) on a shared, busy machine.
test.describe.configure({ timeout: 180_000 });

/** The price the profiles file sets for a profile (the test reads it, the app applies it). */
function configuredPrice(profileId: string): { currency: string; perGiBMonth: number } | undefined {
  const file = JSON.parse(fs.readFileSync(path.join(instanceDir, "profiles.json"), "utf8")) as {
    profiles: { id: string; storagePrice?: { currency?: string; perGiBMonth: number } }[];
  };
  const price = file.profiles.find((p) => p.id === profileId)?.storagePrice;
  return price ? { currency: price.currency ?? "USD", perGiBMonth: price.perGiBMonth } : undefined;
}

async function cookieHeader(page: Page): Promise<string> {
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}

test.describe("/api/metrics", () => {
  test("answers the bearer token only: not a signed-in session, not a wrong token", async ({ page, request }) => {
    await page.goto("/");
    const cookie = await cookieHeader(page);
    expect(cookie).toContain("session");
    const attempts: Record<string, string>[] = [
      {},
      { cookie },
      { cookie, authorization: "Bearer wrong-token-wrong-token" },
      { authorization: `Bearer ${metricsToken}x` },
      { authorization: metricsToken },
      { authorization: `Basic ${Buffer.from(`admin:${metricsToken}`).toString("base64")}` },
    ];
    for (const headers of attempts) {
      const response = await request.get("/api/metrics", { headers, maxRedirects: 0 });
      expect(response.status(), JSON.stringify(Object.keys(headers))).toBe(401);
      expect(response.headers()["www-authenticate"]).toContain("Bearer");
      expect(await response.text()).not.toContain("reclaim_");
    }
    const response = await request.get("/api/metrics", { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("text/plain");
    const text = await response.text();
    expect(text).toContain("# TYPE reclaim_s3_requests_total counter");
    expect(text).toContain("process_cpu_seconds_total");
    expect(findSecrets(text, gatewaySecrets())).toEqual([]);
  });

  test("after the dashboard listed a profile, its buckets and requests are in the scrape", async ({ page, request }) => {
    await page.goto("/");
    await expect(page.getByTestId("freshness")).toContainText("Listed", { timeout: 60_000 });
    const response = await request.get("/api/metrics", { headers: { authorization: `Bearer ${metricsToken}` } });
    const text = await response.text();
    expect(text).toMatch(/^reclaim_incomplete_uploads\{profile="local",bucket="reclaim-media"\} [1-9]\d*$/m);
    expect(text).toMatch(/^reclaim_s3_requests_total\{profile="local",operation="ListMultipartUploads",result="ok"\} [1-9]\d*$/m);
    expect(text).toMatch(/^reclaim_inventory_last_success_timestamp_seconds\{profile="local"\} [1-9][\d.e+]*$/m);
  });
});

test("/api/ready reports the database, migrations, profiles and each profile's last inventory", async ({ page, request }) => {
  await page.goto("/");
  await expect(page.getByTestId("freshness")).toContainText("Listed", { timeout: 60_000 });
  const response = await request.get("/api/ready", { headers: { cookie: "" } });
  expect(response.status()).toBe(200);
  const body = (await response.json()) as {
    status: string;
    checks: Record<string, { ok: boolean }>;
    inventory: { profile: string; outcome: string; lastSuccessAt: string | null }[];
  };
  expect(body.status).toBe("ready");
  expect(Object.values(body.checks).every((c) => c.ok)).toBe(true);
  const local = body.inventory.find((p) => p.profile === "local");
  expect(local?.outcome).toBe("ok");
  expect(Date.now() - Date.parse(local?.lastSuccessAt ?? "")).toBeLessThan(120_000);
  expect(body.inventory.map((p) => p.profile).sort()).toEqual(["local", "local-restricted"]);
  expect((await request.get("/api/health")).status()).toBe(200);
});

test("a server without a metrics token has no /api/metrics, lists its profiles on its own schedule, and a broken profiles file makes it unready", async ({ playwright }) => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-e2e-ops-"));
  const profilesFile = path.join(scratch, "profiles.json");
  fs.copyFileSync(path.join(instanceDir, "profiles.json"), profilesFile);
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  delete env.RECLAIM_METRICS_TOKEN;
  const server = spawn("bash", [path.join(repoRoot, "scripts/serve.sh"), "-H", "127.0.0.1", "-p", String(port)], {
    cwd: repoRoot,
    env: {
      ...env,
      RECLAIM_PROFILES_FILE: profilesFile,
      RECLAIM_DB_FILE: path.join(scratch, "db.sqlite"),
      BETTER_AUTH_URL: baseURL,
      // Its own inventory: nobody opens a dashboard on this server.
      RECLAIM_INVENTORY_INTERVAL_MINUTES: "1",
    },
    stdio: "ignore",
  });
  const api = await playwright.request.newContext({ baseURL });
  try {
    await expect
      .poll(async () => (await api.get("/api/health").catch(() => null))?.status() ?? 0, { timeout: 60_000 })
      .toBe(200);
    for (const authorization of [undefined, `Bearer ${metricsToken}`]) {
      const response = await api.get("/api/metrics", { headers: authorization ? { authorization } : {} });
      expect(response.status()).toBe(404);
      expect(await response.text()).not.toContain("reclaim_");
    }
    expect((await api.get("/api/ready")).status()).toBe(200);
    // The scheduled inventory's first run (shortly after start) lists every profile.
    const outcomes = async () => {
      const body = (await (await api.get("/api/ready")).json()) as { inventory: { profile: string; outcome: string }[] };
      return Object.fromEntries(body.inventory.map((p) => [p.profile, p.outcome]));
    };
    await expect.poll(outcomes, { timeout: 60_000 }).toEqual({ local: "ok", "local-restricted": "partial" });

    fs.writeFileSync(profilesFile, "{ not json");
    const broken = await api.get("/api/ready");
    expect(broken.status()).toBe(503);
    const body = (await broken.json()) as { status: string; checks: { profiles: { ok: boolean; detail: string }; database: { ok: boolean } } };
    expect(body.status).toBe("not-ready");
    expect(body.checks.profiles).toMatchObject({ ok: false });
    expect(body.checks.profiles.detail).toContain("not valid JSON");
    expect(body.checks.database.ok).toBe(true);

    fs.copyFileSync(path.join(instanceDir, "profiles.json"), profilesFile);
    expect((await api.get("/api/ready")).status()).toBe(200);
  } finally {
    await api.dispose();
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});

test("the uploads header shows what the incomplete uploads cost per month", async ({ page }) => {
  const price = configuredPrice("local");
  expect(price, "the local gateway's main profile sets a storage price").toBeDefined();
  await page.goto("/?profile=local");
  const freshness = page.getByTestId("freshness");
  await expect(freshness).toContainText("Listed", { timeout: 60_000 });
  await expect(freshness).not.toContainText("still being counted", { timeout: 60_000 });
  // The bytes the header shows (exact, in its tooltip) at the configured price.
  const exact = await page.getByTestId("held-in-view").locator("[title]").first().getAttribute("title");
  const bytes = Number((exact ?? "").replace(/[^\d]/g, ""));
  expect(bytes).toBeGreaterThan(0);
  const cost = page.getByTestId("monthly-cost");
  await expect(cost).toContainText(formatMoney((bytes / GIB) * (price?.perGiBMonth ?? 0), price?.currency ?? "USD"));
  await expect(cost).toContainText("per GiB-month");
  await page.getByRole("region", { name: "Summary" }).screenshot({ path: path.join(screenshotDir, "uploads-header-cost.png") });

  // A filter: the cost of what is in view, and of everything.
  await page.goto("/?profile=local&bucket=reclaim-media");
  await expect(cost).toContainText("in total", { timeout: 30_000 });

  // An endpoint without a price says so instead of showing $0.
  expect(configuredPrice("local-restricted")).toBeUndefined();
  await page.goto("/?profile=local-restricted");
  await expect(page.getByTestId("freshness")).toContainText("Listed", { timeout: 60_000 });
  await expect(cost).toContainText("no storage price set for this endpoint");
  await page.screenshot({ path: path.join(screenshotDir, "uploads-unpriced.png") });
});

test("the Reclaimed page and its CSV show the monthly cost avoided; the abort is logged as JSON", async ({ page }) => {
  const price = configuredPrice("local");
  if (!price) throw new Error("the local profile sets no storage price");
  // One upload of our own, aborted through the Uploads page.
  const key = `${prefix}priced.bin`;
  const created = await raw.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
  const uploadId = created.UploadId ?? "";
  for (const [i, size] of [300_000, 200_000].entries()) {
    await raw.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: Buffer.alloc(size, 7) }));
  }
  await page.goto(`/?profile=local&bucket=${BUCKET}&q=${encodeURIComponent(prefix)}`);
  const abort = page.getByRole("button", { name: `Abort upload ${key} in ${BUCKET}`, exact: true });
  await expect(abort).toBeVisible({ timeout: 30_000 });
  await abort.click();
  await page.getByRole("dialog", { name: "Abort this upload?" }).getByRole("button", { name: "Abort upload", exact: true }).click();
  await expect
    .poll(() => readSqlite(dbFile, (db) => db.prepare("SELECT outcome FROM abort_attempt WHERE upload_id = ?").pluck().get(uploadId)), { timeout: 30_000 })
    .toBe("reclaimed");

  const reclaimed = readSqlite(dbFile,
    (db) =>
      db
        .prepare("SELECT profile_id AS profile, bucket, SUM(bytes_before) AS bytes FROM abort_attempt WHERE outcome = 'reclaimed' GROUP BY profile_id, bucket")
        .all() as { profile: string; bucket: string; bytes: number }[],
  );
  const pricedBytes = reclaimed.filter((r) => configuredPrice(r.profile)).reduce((sum, r) => sum + r.bytes, 0);
  const bucketBytes = reclaimed.find((r) => r.profile === "local" && r.bucket === BUCKET)?.bytes ?? 0;
  expect(bucketBytes).toBeGreaterThanOrEqual(500_000);

  await page.goto("/history");
  const card = page.getByRole("region", { name: "Cost avoided per month" });
  await expect(card).toContainText(formatMoney((pricedBytes / GIB) * price.perGiBMonth, price.currency));
  const byBucket = page.getByRole("region", { name: "By bucket" });
  await expect(byBucket.getByRole("columnheader", { name: "Saved / month" })).toBeVisible();
  const row = byBucket.getByRole("row").filter({ has: page.getByRole("rowheader").filter({ hasText: BUCKET }) });
  const rowFor = reclaimed.some((r) => r.profile !== "local" && r.bucket === BUCKET) ? row.filter({ hasText: "profile local" }) : row;
  await expect(rowFor.first()).toContainText(formatMoney((bucketBytes / GIB) * price.perGiBMonth, price.currency));
  await page.screenshot({ path: path.join(screenshotDir, "history-cost.png"), fullPage: true });

  // The CSV carries it per attempt.
  await page.goto(`/history?bucket=${BUCKET}&outcome=reclaimed`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const rows = parseCsvObjects(fs.readFileSync(await download.path(), "utf8"), { unprotect: true });
  const ours = rows.find((r) => r.upload_id === uploadId);
  expect(ours).toMatchObject({ outcome: "reclaimed", bytes_before: "500000", currency: price.currency });
  expect(Number(ours?.cost_avoided_per_month)).toBeCloseTo((500_000 / GIB) * price.perGiBMonth, 8);

  // The server's own output (kept by the e2e config) has one JSON line for this abort.
  const log = fs.readFileSync(path.join(instanceDir, "e2e-server.log"), "utf8");
  const lines = log
    .split("\n")
    .filter((line) => line.startsWith("{") && line.includes(uploadId))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.filter((line) => line.event === "abort")).toEqual([
    expect.objectContaining({ event: "abort", outcome: "reclaimed", profile: "local", bucket: BUCKET, key, uploadId, user: users.admin.email, bytesBefore: 500_000 }),
  ]);
});

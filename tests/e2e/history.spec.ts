// The history page against what the ledger really holds: uploads created with the raw SDK
// are aborted through the Uploads page; the cards, tables and the CSV download must agree
// with the SQLite rows (read here directly, read-only).
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { Page } from "@playwright/test";
import { csvHeader, LEDGER_CSV_COLUMNS, parseCsvObjects } from "@/lib/ledger/csv";
import { formatBytesExact, plural } from "@/lib/format";
import { expect, screenshotDir, test, users } from "../fixtures";
import { readSqlite } from "../support/sqlite-file";
import { instanceDir, rawClient } from "../support/gateway";
import { countParts, listUploads } from "../support/sdk";

const BUCKET = "reclaim-backups";
const run = randomBytes(3).toString("hex");
const prefix = `e2e-history/${run}/`;
// Keys that need CSV quoting and the formula guard, and one plain.
const uploads = [
  { key: `${prefix}nightly, "full".tar`, parts: [2_500, 4_000, 123] },
  { key: `${prefix}=cmd+export @x.bin`, parts: [7_777] },
  { key: `${prefix}plain.bin`, parts: [1_024, 1_024] },
];
const dbFile = path.join(instanceDir, "e2e.sqlite");
const raw = rawClient("admin");

interface LedgerRow {
  id: number;
  started_at: string;
  actor_email: string;
  bucket: string;
  key: string;
  upload_id: string;
  parts_before: number;
  bytes_before: number;
  outcome: string;
}

function reclaimedTotals(since?: Date): { uploads: number; parts: number; bytes: number } {
  return readSqlite(dbFile, (db) =>
    db
      .prepare(
        `SELECT COUNT(*) AS uploads, COALESCE(SUM(parts_before), 0) AS parts, COALESCE(SUM(bytes_before), 0) AS bytes
           FROM abort_attempt WHERE outcome = 'reclaimed' AND started_at >= ?`,
      )
      .get((since ?? new Date(0)).toISOString()) as { uploads: number; parts: number; bytes: number },
  );
}

function rowsOf(uploadId: string): LedgerRow[] {
  if (!fs.existsSync(dbFile)) return [];
  return readSqlite(dbFile, (db) => db.prepare("SELECT * FROM abort_attempt WHERE upload_id = ?").all(uploadId) as LedgerRow[]);
}

async function abortThroughUploadsPage(page: Page, key: string): Promise<void> {
  await page.goto(`/?bucket=${BUCKET}&q=${encodeURIComponent(prefix)}`);
  const abort = page.getByRole("button", { name: `Abort upload ${key} in ${BUCKET}`, exact: true });
  await expect(abort).toBeVisible({ timeout: 30_000 });
  await abort.click();
  const dialog = page.getByRole("dialog", { name: "Abort this upload?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Abort upload", exact: true }).click();
}

const created: { key: string; uploadId: string; parts: number; bytes: number }[] = [];

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  for (const upload of uploads) {
    const answer = await raw.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: upload.key }));
    const uploadId = answer.UploadId ?? "";
    for (const [index, size] of upload.parts.entries()) {
      await raw.send(
        new UploadPartCommand({ Bucket: BUCKET, Key: upload.key, UploadId: uploadId, PartNumber: index + 1, Body: Buffer.alloc(size, 97 + index) }),
      );
    }
    created.push({ key: upload.key, uploadId, ...(await countParts(raw, { bucket: BUCKET, key: upload.key, uploadId })) });
  }
});

test.afterAll(async () => {
  // Whatever a failed run left behind under our prefix.
  for (const upload of await listUploads(raw, BUCKET, prefix)) {
    await raw.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: upload.key, UploadId: upload.uploadId })).catch(() => undefined);
  }
});

test("aborts on the Uploads page land in the ledger with the parts ListParts showed", async ({ page }) => {
  // Three aborts through the UI, each listed, confirmed and verified: slower on a busy machine.
  test.setTimeout(180_000);
  for (const upload of created) {
    await abortThroughUploadsPage(page, upload.key);
    await expect
      .poll(() => rowsOf(upload.uploadId).map((r) => r.outcome), { timeout: 30_000, message: upload.key })
      .toEqual(["reclaimed"]);
    const [row] = rowsOf(upload.uploadId);
    expect(row).toMatchObject({
      key: upload.key,
      bucket: BUCKET,
      parts_before: upload.parts,
      bytes_before: upload.bytes,
      actor_email: users.admin.email,
    });
  }
});

test("the history page's totals equal the ledger rows", async ({ page }) => {
  await page.goto("/history");
  await expect(page.getByRole("heading", { name: "Reclaimed storage", level: 1 })).toBeVisible();

  const all = reclaimedTotals();
  const allTime = page.getByRole("region", { name: "Reclaimed, all time" });
  await expect(allTime).toContainText(formatBytesExact(all.bytes));
  await expect(allTime).toContainText(`${plural(all.uploads, "upload")} · ${plural(all.parts, "part")}`);
  const day = reclaimedTotals(new Date(Date.now() - 24 * 3_600_000));
  await expect(page.getByRole("region", { name: "Last 24 hours" })).toContainText(formatBytesExact(day.bytes));

  // The chart: 30 UTC days, today's bar names its bytes.
  const bars = page.getByRole("list", { name: /^Bytes reclaimed per day/ }).getByRole("listitem");
  await expect(bars).toHaveCount(30);
  const today = new Date().toISOString().slice(0, 10);
  const todayBytes = reclaimedTotals(new Date(`${today}T00:00:00.000Z`)).bytes;
  await expect(bars.last()).toContainText(`${today}: `);
  await expect(bars.last()).toContainText(formatBytesExact(todayBytes));

  // Per bucket: our bucket's row shows what the ledger sums for it.
  const bucketBytes = readSqlite(dbFile,
    (db) =>
      db.prepare("SELECT COALESCE(SUM(bytes_before), 0) FROM abort_attempt WHERE outcome = 'reclaimed' AND bucket = ?").pluck().get(BUCKET) as number,
  );
  const bucketRow = page.getByRole("table", { name: "By bucket" }).getByRole("row").filter({ hasText: BUCKET });
  await expect(bucketRow.getByRole("cell").nth(2)).toHaveAttribute("title", formatBytesExact(bucketBytes));

  // Every attempt of ours is listed with its outcome.
  const attempts = page.getByRole("table", { name: "Abort attempts" });
  for (const upload of created) {
    const row = attempts.getByRole("row").filter({ hasText: upload.key });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("Reclaimed");
    await expect(row).toContainText(upload.uploadId.slice(0, 12));
    await expect(row.getByTitle(upload.key, { exact: true })).toBeVisible();
    await expect(row.getByTitle(formatBytesExact(upload.bytes), { exact: true })).toBeVisible();
    await expect(row).toContainText(plural(upload.parts, "part"));
  }

  await fs.promises.mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, "history.png"), fullPage: true });
});

test("filters live in the URL and the CSV export round-trips the filtered rows", async ({ page }) => {
  await page.goto("/history");
  await page.getByLabel("Bucket", { exact: true }).selectOption(BUCKET);
  await expect(page).toHaveURL(/[?&]bucket=reclaim-backups/);
  await page.getByLabel("Outcome", { exact: true }).selectOption("reclaimed");
  await expect(page).toHaveURL(/[?&]outcome=reclaimed/);
  const attempts = page.getByRole("table", { name: "Abort attempts" });
  const expected = readSqlite(dbFile,
    (db) =>
      db
        .prepare("SELECT * FROM abort_attempt WHERE bucket = ? AND outcome = 'reclaimed' ORDER BY id")
        .all(BUCKET) as LedgerRow[],
  );
  await expect(attempts.locator("tbody tr")).toHaveCount(Math.min(expected.length, 50));

  // Reload keeps the filter.
  await page.reload();
  await expect(page.getByLabel("Bucket", { exact: true })).toHaveValue(BUCKET);

  const link = page.getByRole("link", { name: "Export CSV" });
  await expect(link).toHaveAttribute("href", /bucket=reclaim-backups/);
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toMatch(/^reclaim-ledger-.*\.csv$/);
  const text = fs.readFileSync(await download.path(), "utf8");
  const rows = parseCsvObjects(text, { unprotect: true });
  expect(rows.map((r) => [Number(r.id), r.key, r.upload_id, Number(r.parts_before), Number(r.bytes_before), r.outcome, r.started_at])).toEqual(
    expected.map((r) => [r.id, r.key, r.upload_id, r.parts_before, r.bytes_before, r.outcome, r.started_at]),
  );
  for (const upload of created) expect(rows.some((r) => r.key === upload.key)).toBe(true);

  await page.screenshot({ path: path.join(screenshotDir, "history-filtered.png"), fullPage: true });
});

test("before the page's script runs, the filters are disabled rather than ignoring a choice", async ({ page }) => {
  // The server's HTML holds the data already; a choice made before React attaches its
  // handlers would change the select but never the URL.
  await page.route("**/_next/static/**/*.js", (route) => route.abort());
  await page.goto("/history");
  await expect(page.getByRole("table", { name: "Abort attempts" })).toBeVisible();
  for (const label of ["Outcome", "Bucket", "Admin", "From (UTC)", "To (UTC)"]) {
    await expect(page.getByLabel(label, { exact: true })).toBeDisabled();
  }
  // Once the script runs they take input.
  await page.unroute("**/_next/static/**/*.js");
  await page.reload();
  await expect(page.getByLabel("Bucket", { exact: true })).toBeEnabled();
});

test("the export needs a session", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const response = await anonymous.get("/api/history/export", { maxRedirects: 0 });
  expect(response.status()).toBe(401);
  expect(await response.text()).not.toContain(csvHeader(LEDGER_CSV_COLUMNS).trim());
  await anonymous.dispose();
});

test("a viewer sees the history but no re-verify buttons; the mobile layout holds", async ({ browser }) => {
  const context = await browser.newContext({ storageState: users.viewer.state, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto("/history");
  await expect(page.getByRole("region", { name: "Reclaimed, all time" })).toContainText(formatBytesExact(reclaimedTotals().bytes));
  await expect(page.getByRole("button", { name: /^Re-verify/ })).toHaveCount(0);
  // Narrow screens list attempts as cards, without sideways scrolling of the page.
  await expect(page.getByRole("list", { name: "Abort attempts" })).toBeVisible();
  const overflow = await page.locator("main").evaluate((main) => main.scrollWidth - main.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: path.join(screenshotDir, "history-mobile.png"), fullPage: true });
  await context.close();
});

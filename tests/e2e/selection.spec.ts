// Choosing uploads in the table for a bulk cleanup, end to end against the real gateway and
// checked with the raw SDK (never with the app's code):
// (a) rows picked one by one and by a shift-click range (one with an odd key), a row aborted
//     elsewhere drops out of the selection, Review opens /bulk on a server-made dry run whose
//     numbers equal ListParts for exactly those uploads, the typed count runs the job, and the
//     SDK then lists none of them while every other upload stays;
// (b) "select all matching the current filter" sends the filter (re-resolved on the server):
//     the dry run equals the SDK for that filter;
// (c) a viewer can select and preview, not start a job;
// (d) from the keyboard: Space picks one row, Shift+Space on a later row selects the range
//     from it in the order shown, a plain Space after that toggles only its own row.
// Uploads this file creates live under a fresh `e2e-select/<run>/` prefix and are aborted after.
import { randomBytes } from "node:crypto";
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, ListBucketsCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import type { Locator, Page } from "@playwright/test";
import { formatBytesExact, formatCount } from "@/lib/format";
import { expect, screenshotDir, test, users } from "../fixtures";
import { rawClient } from "../support/gateway";
import { countParts, listUploads, type RawRef } from "../support/sdk";

const raw = rawClient("admin");
const prefix = `e2e-select/${randomBytes(3).toString("hex")}/`;
const BACKUPS = "reclaim-backups";
const LOGS = "reclaim-logs";

type Ref = RawRef;

const idOf = (u: Ref) => `${u.bucket}/${u.key}/${u.uploadId}`;

async function listAll(bucket: string, keyPrefix?: string): Promise<Ref[]> {
  return listUploads(raw, bucket, keyPrefix);
}

async function everyUpload(): Promise<string[]> {
  const buckets = ((await raw.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? "");
  const all = (await Promise.all(buckets.map((b) => listAll(b)))).flat();
  return all.map(idOf).sort();
}

/** ListParts for exactly these uploads: parts and bytes (each part number once). */
async function sdkTotals(uploads: Ref[]): Promise<{ parts: number; bytes: number }> {
  const each = await Promise.all(uploads.map((u) => countParts(raw, u)));
  return { parts: each.reduce((a, t) => a + t.parts, 0), bytes: each.reduce((a, t) => a + t.bytes, 0) };
}

async function createUpload(bucket: string, key: string, partSizes: number[]): Promise<Ref> {
  const created = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId ?? "";
  for (const [i, size] of partSizes.entries()) {
    await raw.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: randomBytes(size) }));
  }
  return { bucket, key, uploadId };
}

function checkbox(page: Page, u: Ref): Locator {
  return page.getByRole("table", { name: "Incomplete uploads" }).getByRole("checkbox", { name: `Select upload ${u.key} in ${u.bucket}`, exact: true });
}

async function openCounted(page: Page, url: string): Promise<void> {
  await page.goto(url);
  const freshness = page.getByTestId("freshness");
  await expect(freshness).toContainText("Listed", { timeout: 60_000 });
  await expect(freshness).not.toContainText("still being counted", { timeout: 60_000 });
}

/** The dry run shows exactly `expected` (the uploads are fresh, so they look active: include them). */
async function expectDryRun(page: Page, n: number, sdk: { parts: number; bytes: number }): Promise<Locator> {
  const dryRun = page.getByTestId("dry-run");
  await expect(dryRun).toBeVisible({ timeout: 30_000 });
  await expect(dryRun.getByTestId("dry-run-count")).toHaveText("0");
  await page.getByRole("checkbox", { name: `Include the ${n} active upload${n === 1 ? "" : "s"} in the job` }).check();
  await expect(dryRun.getByTestId("dry-run-count")).toHaveText(formatCount(n));
  await expect(dryRun.getByTestId("dry-run-parts")).toHaveText(formatCount(sdk.parts));
  await expect(dryRun.getByTestId("dry-run-bytes")).toHaveText(formatBytesExact(sdk.bytes));
  return dryRun;
}

async function runJob(page: Page, n: number): Promise<void> {
  await page.getByRole("button", { name: `Abort ${n} uploads…` }).click();
  const dialog = page.getByRole("dialog", { name: `Abort ${n} uploads?` });
  await dialog.getByLabel(`Type ${n} to confirm`).fill(String(n));
  await dialog.getByRole("button", { name: `Abort ${n} uploads`, exact: true }).click();
  const job = page.getByTestId("job-view");
  await expect(job.getByRole("progressbar")).toHaveAttribute("aria-valuenow", String(n), { timeout: 60_000 });
  await expect(job.getByTestId("job-status")).toHaveText("Done");
  await expect(job.getByTestId("count-reclaimed")).toHaveText(String(n));
}

test.afterAll(async () => {
  for (const bucket of [BACKUPS, LOGS]) {
    for (const u of await listAll(bucket, prefix)) {
      await raw.send(new AbortMultipartUploadCommand({ Bucket: u.bucket, Key: u.key, UploadId: u.uploadId })).catch(() => undefined);
    }
  }
});

test("(a) picked rows → review → the dry run equals ListParts for exactly those → the job aborts only them", async ({ page }) => {
  test.setTimeout(180_000);
  const dir = `${prefix}pick/`;
  const a = await createUpload(BACKUPS, `${dir}a-base.tar`, [3_000, 1_500]);
  const b = await createUpload(BACKUPS, `${dir}b-wal.tar`, [2_048]);
  const c = await createUpload(BACKUPS, `${dir}c-日本 dump ü & <x> +50%.sql`, [5_000, 5_000, 17]);
  const d = await createUpload(BACKUPS, `${dir}d-keep.tar`, [777]);
  const e = await createUpload(BACKUPS, `${dir}e-empty.tar`, []);
  const f = await createUpload(BACKUPS, `${dir}f-goes-away.tar`, [64]);
  const before = await everyUpload();

  await page.setViewportSize({ width: 1440, height: 900 });
  await openCounted(page, `/?q=${encodeURIComponent(dir)}&sort=key&dir=asc`);
  const header = page.getByRole("checkbox", { name: "Select all 6 uploads in view" });
  await expect(header).not.toBeChecked();

  // Click a, shift-click c: a–c in the key order on screen. Then b off, e and f on.
  await checkbox(page, a).click();
  await checkbox(page, c).click({ modifiers: ["Shift"] });
  for (const u of [a, b, c]) await expect(checkbox(page, u)).toBeChecked();
  await checkbox(page, b).click();
  // Keyboard: Tab order reaches the checkboxes; Space toggles.
  await checkbox(page, e).focus();
  await page.keyboard.press("Space");
  await checkbox(page, f).check();
  await expect(checkbox(page, b)).not.toBeChecked();
  await expect(checkbox(page, d)).not.toBeChecked();
  await expect(header).toBeChecked({ indeterminate: true });

  const bar = page.getByRole("region", { name: "Selection" });
  await expect(bar.getByTestId("selection-summary")).toContainText("4 selected");

  // Aborted elsewhere: the row leaves the listing and the selection on the next refresh.
  await raw.send(new AbortMultipartUploadCommand({ Bucket: f.bucket, Key: f.key, UploadId: f.uploadId }));
  await expect(checkbox(page, f)).toHaveCount(0);
  const picked = [a, c, e];
  const sdk = await sdkTotals(picked);
  await expect(bar.getByTestId("selection-summary")).toHaveText(
    new RegExp(`^3 selected · ${sdk.parts} parts · `),
  );
  await expect(bar.getByTestId("selection-summary").getByTitle(formatBytesExact(sdk.bytes))).toBeVisible();
  await page.screenshot({ path: `${screenshotDir}/selection-table-1440.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(checkbox(page, c)).toBeChecked();
  await page.screenshot({ path: `${screenshotDir}/selection-table-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });

  // Review: a dry run made on the server from exactly these refs, opened on /bulk.
  await bar.getByRole("button", { name: "Review bulk abort…" }).click();
  await expect(page).toHaveURL(/\/bulk\?profile=local&preview=[0-9a-f-]{36}$/);
  const dryRun = await expectDryRun(page, picked.length, sdk);
  await expect(dryRun.getByTestId("chosen-uploads")).toHaveText(
    "From the uploads table: you chose 3 uploads; 3 still listed and in this dry run.",
  );
  await expect(dryRun.getByRole("list", { name: "Selection" })).toContainText("3 chosen uploads");
  await page.screenshot({ path: `${screenshotDir}/selection-bulk-preview-1440.png`, fullPage: true });

  await runJob(page, picked.length);

  // S3: exactly the picked uploads are gone; every other upload (b, d, the seed) stays.
  const after = await everyUpload();
  const goneIds = [...picked, f].map(idOf);
  expect(after).toEqual(before.filter((id) => !goneIds.includes(id)));
  expect(after).toEqual(expect.arrayContaining([idOf(b), idOf(d)]));
});

test("(b) select all matching the current filter → the server resolves the filter → equals the SDK", async ({ page }) => {
  test.setTimeout(180_000);
  const dir = `${prefix}all/`;
  for (const [i, sizes] of [[1_000], [2_000, 2_000], [], [9_999]].entries()) await createUpload(BACKUPS, `${dir}dump-${i}.gz`, sizes);
  const elsewhere = await createUpload(LOGS, `${dir}dump-logs.gz`, [123]);
  const matching = await listAll(BACKUPS, dir);
  expect(matching).toHaveLength(4);
  const sdk = await sdkTotals(matching);
  const before = await everyUpload();

  await page.setViewportSize({ width: 1440, height: 900 });
  await openCounted(page, `/?bucket=${BACKUPS}&q=${encodeURIComponent(dir)}`);
  await page.getByRole("checkbox", { name: "Select all 4 uploads in view" }).check();
  const bar = page.getByRole("region", { name: "Selection" });
  await expect(bar.getByTestId("selection-summary")).toContainText("4 selected");
  await bar.getByRole("button", { name: "Select all 4 matching the current filter" }).click();
  await expect(bar.getByTestId("selection-summary")).toContainText("All 4 matching the current filter");
  await expect(bar.getByTestId("selection-summary")).toContainText(`${sdk.parts} parts`);

  await bar.getByRole("button", { name: "Review bulk abort…" }).click();
  await expect(page).toHaveURL(/\/bulk\?profile=local&bucket=reclaim-backups&q=.+&preview=[0-9a-f-]{36}$/);
  // The filter itself went to the server (no refs), and fills the form.
  await expect(page.getByLabel("Key", { exact: true })).toHaveValue(dir);
  const dryRun = await expectDryRun(page, 4, sdk);
  await expect(dryRun.getByRole("list", { name: "Selection" })).not.toContainText("chosen upload");
  await expect(dryRun.getByTestId("chosen-uploads")).toContainText(
    "you selected all 4 uploads matching its filter. Listed again on the server, 4 match now — the same as you saw.",
  );
  await page.screenshot({ path: `${screenshotDir}/selection-bulk-matching-1440.png`, fullPage: true });

  await runJob(page, 4);
  const after = await everyUpload();
  expect(after).toEqual(before.filter((id) => !matching.map(idOf).includes(id)));
  expect(after).toContain(idOf(elsewhere));
});

test.describe("(c) as a viewer", () => {
  test.use({ storageState: users.viewer.state });

  test("can select and preview, not start a job", async ({ page }) => {
    test.setTimeout(120_000);
    const u = await createUpload(BACKUPS, `${prefix}viewer/look-only.bin`, [512]);
    await openCounted(page, `/?q=${encodeURIComponent(`${prefix}viewer/`)}`);
    await checkbox(page, u).check();
    await page.getByRole("region", { name: "Selection" }).getByRole("button", { name: "Review bulk abort…" }).click();
    await expectDryRun(page, 1, await sdkTotals([u]));
    await expect(page.getByText("Only admins can start a bulk abort.")).toBeVisible();
    await expect(page.getByRole("button", { name: /^Abort 1 upload/ })).toHaveCount(0);
    expect(await listAll(BACKUPS, u.key)).toHaveLength(1);
  });
});

test("(d) keyboard: Space, then Shift+Space further down selects the rows in between as shown", async ({ page }) => {
  const dir = `${prefix}keys/`;
  await Promise.all(Array.from({ length: 8 }, (_, i) => createUpload(BACKUPS, `${dir}k-${i}.bin`, [])));
  // Descending: the range follows the order on screen, not the listing's.
  await openCounted(page, `/?q=${encodeURIComponent(dir)}&sort=key&dir=desc`);
  const rows = page
    .getByRole("table", { name: "Incomplete uploads" })
    .getByRole("row")
    .filter({ has: page.getByRole("checkbox", { name: /^Select upload / }) });
  await expect(rows).toHaveCount(8);
  const box = (n: number) => rows.nth(n).getByRole("checkbox");
  /** Each row's position on screen (aria-rowindex) and whether it is checked. */
  const shown = () =>
    rows.evaluateAll((els) =>
      els.map((el) => ({
        index: Number(el.getAttribute("aria-rowindex")),
        checked: el.querySelector<HTMLInputElement>("input[type=checkbox]")?.checked ?? false,
      })),
    );
  const summary = page.getByRole("region", { name: "Selection" }).getByTestId("selection-summary");

  await box(1).focus();
  await page.keyboard.press("Space");
  await expect(box(1)).toBeChecked();
  await box(5).focus();
  await page.keyboard.press("Shift+Space");
  await expect(box(5)).toBeChecked();

  // Expected: every row shown between the two, inclusive, and no other.
  const from = Number(await rows.nth(1).getAttribute("aria-rowindex"));
  const to = Number(await rows.nth(5).getAttribute("aria-rowindex"));
  const after = await shown();
  const between = after.filter((r) => r.index >= Math.min(from, to) && r.index <= Math.max(from, to));
  expect(between.length).toBeGreaterThan(2);
  expect(after.filter((r) => r.checked).map((r) => r.index)).toEqual(between.map((r) => r.index));
  await expect(summary).toContainText(`${between.length} selected`);

  // A plain Space further on toggles that row only (the anchor moved, nothing is extended).
  await box(7).focus();
  await page.keyboard.press("Space");
  await expect(summary).toContainText(`${between.length + 1} selected`);
  await expect(box(6)).not.toBeChecked();
});

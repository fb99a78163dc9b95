// Bulk cleanup end to end: uploads made with the raw SDK under a fresh prefix are selected
// through the page (as the uploads table links to it), the dry run must show what the SDK
// shows, the typed confirmation starts a job on the server, the progress bar reaches the
// end with "Done", and afterwards the SDK lists none of them while every other upload stays.
import { randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { Locator, Page } from "@playwright/test";
import { formatBytesExact, formatCount } from "@/lib/format";
import { expect, screenshotDir, test } from "../fixtures";
import { rawClient } from "../support/gateway";
import { countParts, listUploads } from "../support/sdk";

const BUCKET = "reclaim-backups";
const prefix = `e2e-bulk/${randomBytes(3).toString("hex")}/`;
const partSizes = [[3_000], [1_024, 2_048], [], [5_000, 5_000, 17], [64], [9_999], [4_096, 4_096]];
const raw = rawClient("admin");

/** What the SDK says is under the prefix: uploads, and their parts and bytes by ListParts. */
async function sdkTotals(): Promise<{ uploads: number; parts: number; bytes: number }> {
  const uploads = await listUploads(raw, BUCKET, prefix);
  let parts = 0;
  let bytes = 0;
  for (const u of uploads) {
    const listed = await countParts(raw, u);
    parts += listed.parts;
    bytes += listed.bytes;
  }
  return { uploads: uploads.length, parts, bytes };
}

const ids = (list: { uploadId: string }[]) => list.map((u) => u.uploadId).sort();

/** What a badge shows: its words, tooltip, classes and resolved colours. */
function looks(badge: Locator) {
  return badge.evaluate((el) => ({
    text: el.textContent,
    title: el.getAttribute("title"),
    className: el.className,
    color: getComputedStyle(el).color,
    background: getComputedStyle(el).backgroundColor,
  }));
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage: true });
}

test.afterAll(async () => {
  for (const u of await listUploads(raw, BUCKET, prefix)) {
    await raw.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: u.key, UploadId: u.uploadId })).catch(() => undefined);
  }
});

test("bulk cleanup: dry run equals the SDK, the typed count starts the job, the progress bar ends at Done", async ({ page }) => {
  test.setTimeout(120_000);
  const others = ids(await listUploads(raw, BUCKET));
  for (const [i, sizes] of partSizes.entries()) {
    const key = `${prefix}dump-${i}.tar`;
    const created = await raw.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    for (const [n, size] of sizes.entries()) {
      await raw.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: created.UploadId, PartNumber: n + 1, Body: randomBytes(size) }));
    }
  }
  const sdk = await sdkTotals();
  const n = partSizes.length;
  expect(sdk.uploads).toBe(n);

  // The uploads table links here with its filter in the URL.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/bulk?profile=local&bucket=${BUCKET}&q=${encodeURIComponent(prefix)}`);
  await expect(page.getByRole("heading", { name: "Bulk cleanup", level: 1 })).toBeVisible();
  await expect(page.getByLabel("Key", { exact: true })).toHaveValue(prefix);
  await expect(page.getByLabel("Bucket")).toHaveValue(BUCKET);

  await page.getByRole("button", { name: "Preview", exact: true }).click();
  const dryRun = page.getByTestId("dry-run");
  await expect(dryRun).toBeVisible();
  // Just written to: they look active, are kept apart, and can be included on purpose.
  await expect(dryRun.getByTestId("dry-run-count")).toHaveText("0");
  const include = page.getByRole("checkbox", { name: `Include the ${n} active uploads in the job` });
  await include.check();
  await expect(dryRun.getByTestId("dry-run-count")).toHaveText(formatCount(sdk.uploads));
  await expect(dryRun.getByTestId("dry-run-parts")).toHaveText(formatCount(sdk.parts));
  await expect(dryRun.getByTestId("dry-run-bytes")).toHaveText(formatBytesExact(sdk.bytes));
  await expect(dryRun.getByRole("table", { name: "Per bucket" }).getByRole("rowheader", { name: BUCKET })).toBeVisible();
  await shoot(page, "bulk-preview-1440");
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "bulk-preview-390");
  await page.setViewportSize({ width: 1440, height: 900 });

  // The critical confirmation: restates the loss, and only the typed count enables it.
  await page.getByRole("button", { name: `Abort ${n} uploads…` }).click();
  const dialog = page.getByRole("dialog", { name: `Abort ${n} uploads?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(formatBytesExact(sdk.bytes));
  await expect(dialog).toContainText("look active");
  const confirm = dialog.getByRole("button", { name: `Abort ${n} uploads`, exact: true });
  await expect(confirm).toBeDisabled();
  const typed = dialog.getByLabel(`Type ${n} to confirm`);
  await expect(typed).toBeFocused();
  await typed.fill(String(n + 1));
  await expect(confirm).toBeDisabled();
  await typed.fill(String(n));
  await expect(confirm).toBeEnabled();
  // A modal: the viewport is what the admin sees.
  await page.screenshot({ path: `${screenshotDir}/bulk-confirm-1440.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${screenshotDir}/bulk-confirm-390.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await confirm.click();

  // The job runs on the server; the page polls it.
  const job = page.getByTestId("job-view");
  await expect(job).toBeVisible();
  await expect(page).toHaveURL(/[?&]job=[0-9a-f-]{36}/);
  const progress = job.getByRole("progressbar");
  await expect(progress).toHaveAttribute("aria-valuemax", String(n));
  await shoot(page, "bulk-progress-1440");
  await expect(progress).toHaveAttribute("aria-valuenow", String(n));
  await expect(job.getByTestId("job-status")).toHaveText("Done");
  await expect(job.getByTestId("job-announcement")).toContainText(`Job done: ${n} uploads reclaimed`);
  await expect(job.getByTestId("count-reclaimed")).toHaveText(String(n));
  await expect(job.getByRole("table", { name: "Uploads in this job and their outcome" }).getByText("Reclaimed", { exact: true })).toHaveCount(n);
  await shoot(page, "bulk-report-1440");

  // S3: none of them left, every other upload intact.
  expect(await listUploads(raw, BUCKET, prefix)).toEqual([]);
  expect(ids(await listUploads(raw, BUCKET))).toEqual(others);

  // A reload shows the finished job (it lives on the server), here on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByTestId("job-view").getByTestId("job-status")).toHaveText("Done");
  await expect(page.getByTestId("job-view").getByRole("progressbar")).toHaveAttribute("aria-valuenow", String(n));
  await page.screenshot({ path: `${screenshotDir}/bulk-progress-390.png` });
  await shoot(page, "bulk-report-390");
});

test("an upload aborted between the dry run and the job ends 'Already gone', with the history page's badge", async ({ page }) => {
  test.setTimeout(120_000);
  const gonePrefix = `${prefix}gone/`;
  const made: { key: string; uploadId: string }[] = [];
  for (const name of ["kept-until-job.bin", "aborted-meanwhile.bin"]) {
    const key = `${gonePrefix}${name}`;
    const created = await raw.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    await raw.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: created.UploadId, PartNumber: 1, Body: randomBytes(2_048) }));
    made.push({ key, uploadId: created.UploadId ?? "" });
  }

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/bulk?profile=local&bucket=${BUCKET}&q=${encodeURIComponent(gonePrefix)}&active=0`);
  await page.getByRole("button", { name: "Preview", exact: true }).click();
  await expect(page.getByTestId("dry-run").getByTestId("dry-run-count")).toHaveText("2");

  // Someone else aborts one of them after the dry run.
  const [, meanwhile] = made;
  await raw.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: meanwhile?.key, UploadId: meanwhile?.uploadId }));

  await page.getByRole("button", { name: "Abort 2 uploads…" }).click();
  const dialog = page.getByRole("dialog", { name: "Abort 2 uploads?" });
  await dialog.getByLabel("Type 2 to confirm").fill("2");
  await dialog.getByRole("button", { name: "Abort 2 uploads", exact: true }).click();
  const job = page.getByTestId("job-view");
  await expect(job.getByTestId("job-status")).toHaveText("Done");
  await expect(job.getByTestId("count-already-gone")).toHaveText("1");
  const items = job.getByRole("table", { name: "Uploads in this job and their outcome" });
  const bulkBadge = items.getByText("Already gone", { exact: true });
  await expect(bulkBadge).toHaveCount(1);
  await expect(items.getByText("Reclaimed", { exact: true })).toHaveCount(1);
  await shoot(page, "bulk-report-already-gone-1440");
  const bulkLooks = await looks(bulkBadge);

  // The ledger has the same attempt; the history page shows it with the very same badge.
  await page.goto(`/history?bucket=${BUCKET}&outcome=already-gone`);
  const historyBadge = page
    .getByRole("table", { name: "Abort attempts" })
    .getByRole("row", { name: new RegExp(meanwhile?.key.split("/").pop() ?? "") })
    .getByText("Already gone", { exact: true });
  await expect(historyBadge).toHaveCount(1);
  await shoot(page, "history-already-gone-1440");

  expect(await looks(historyBadge)).toEqual(bulkLooks);
});

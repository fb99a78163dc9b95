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
import type { Page } from "@playwright/test";
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

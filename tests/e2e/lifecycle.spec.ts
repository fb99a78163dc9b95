import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
} from "@aws-sdk/client-s3";
import type { Page } from "@playwright/test";
import { expect, screenshotDir, test, users } from "../fixtures";
import { rawClient } from "../support/gateway";

// The buckets view's lifecycle rules, end to end: an admin adds, edits and removes Reclaim's
// abort rule through the UI and the raw SDK sees each change; a viewer gets no controls.
//
// reclaim-archive holds no incomplete uploads, and the rule's prefix matches no seeded key,
// so the gateway's fast lifecycle worker (one "day" = 10 s) can never abort seeded uploads
// that other tests rely on.
const BUCKET = "reclaim-archive";
const PREFIX = "reclaim-e2e-lifecycle/";
const RULE_ID = "reclaim-abort-incomplete-uploads";

async function rawRules(): Promise<LifecycleRule[]> {
  try {
    return (await rawClient("admin").send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }))).Rules ?? [];
  } catch (error) {
    if (error instanceof Error && error.name === "NoSuchLifecycleConfiguration") return [];
    throw error;
  }
}

async function ourRule(): Promise<LifecycleRule | null> {
  return (await rawRules()).find((rule) => rule.ID === RULE_ID) ?? null;
}

/** Leaves the bucket without our rule (other rules untouched), whatever a failed run left. */
async function removeOurRule(): Promise<void> {
  const rules = await rawRules();
  const others = rules.filter((rule) => rule.ID !== RULE_ID);
  if (others.length === rules.length) return;
  const raw = rawClient("admin");
  if (others.length === 0) await raw.send(new DeleteBucketLifecycleCommand({ Bucket: BUCKET }));
  else await raw.send(new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules: others } }));
}

function bucketRow(page: Page, bucket: string) {
  const table = page.getByRole("table", { name: /Buckets/ });
  return table.getByRole("row").filter({ has: page.getByRole("cell", { name: bucket, exact: true }) });
}

test.describe("an admin", () => {
  test.beforeAll(removeOurRule);
  test.afterAll(removeOurRule);

  test("adds, edits and removes the abort rule of a bucket", async ({ page }) => {
    await page.goto("/buckets");
    await expect(page.getByRole("region", { name: "Lifecycle coverage" })).toBeVisible();
    const row = bucketRow(page, BUCKET);
    await expect(row.getByText("No rule — unprotected")).toBeVisible();

    // Add
    await row.getByRole("button", { name: `Add abort rule to bucket ${BUCKET}` }).click();
    const add = page.getByRole("dialog", { name: `Add an abort rule to ${BUCKET}` });
    await expect(add).toBeVisible();
    await add.getByLabel("Days after the upload started").fill("0");
    await add.getByRole("button", { name: "Add rule" }).click();
    await expect(add.getByText("Days must be from 1 to 3650.")).toBeVisible();
    await add.getByLabel("Days after the upload started").fill("3650");
    await add.getByLabel(/Only keys starting with/).fill(PREFIX);
    await add.screenshot({ path: `${screenshotDir}/lifecycle-add-dialog.png` });
    await add.getByRole("button", { name: "Add rule" }).click();
    await expect(add).toBeHidden();
    await expect(page.getByRole("status").filter({ hasText: `Abort rule saved on ${BUCKET}` })).toBeVisible();

    await expect.poll(ourRule).toMatchObject({ Status: "Enabled", AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3650 } });
    const written = await ourRule();
    expect(written?.Filter?.Prefix ?? written?.Prefix).toBe(PREFIX);
    await expect(row.getByText("Abort after 3,650 days")).toBeVisible();
    await expect(row.getByText(PREFIX)).toBeVisible();
    await expect(row.getByText("No rule — unprotected")).toBeHidden();

    await page.screenshot({ path: `${screenshotDir}/lifecycle-buckets-1440.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByRole("list", { name: "Buckets" })).toBeVisible();
    await page.screenshot({ path: `${screenshotDir}/lifecycle-buckets-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });

    // Edit
    await row.getByRole("button", { name: `Edit abort rule of bucket ${BUCKET}` }).click();
    const edit = page.getByRole("dialog", { name: `Edit the abort rule of ${BUCKET}` });
    await expect(edit.getByLabel("Days after the upload started")).toHaveValue("3650");
    await expect(edit.getByLabel(/Only keys starting with/)).toHaveValue(PREFIX);
    await edit.getByLabel("Days after the upload started").fill("3000");
    await edit.getByRole("button", { name: "Save rule" }).click();
    await expect(edit).toBeHidden();
    await expect.poll(async () => (await ourRule())?.AbortIncompleteMultipartUpload?.DaysAfterInitiation).toBe(3000);
    await expect(row.getByText("Abort after 3,000 days")).toBeVisible();

    // Remove, after a confirmation that says what is lost
    await row.getByRole("button", { name: `Remove abort rule from bucket ${BUCKET}` }).click();
    const confirm = page.getByRole("dialog", { name: `Remove the abort rule from ${BUCKET}?` });
    await expect(confirm.getByText("will no longer be aborted", { exact: false })).toBeVisible();
    await confirm.screenshot({ path: `${screenshotDir}/lifecycle-remove-dialog.png` });
    await confirm.getByRole("button", { name: "Remove rule" }).click();
    await expect(confirm).toBeHidden();
    await expect.poll(ourRule).toBeNull();
    await expect(row.getByText("No rule — unprotected")).toBeVisible();
    await expect(row.getByRole("button", { name: `Add abort rule to bucket ${BUCKET}` })).toBeVisible();
  });
});

test.describe("a viewer", () => {
  test.use({ storageState: users.viewer.state });

  test("sees each bucket's rule status but no controls", async ({ page }) => {
    await page.goto("/buckets");
    await expect(page.getByTestId("signed-in-as")).toContainText("viewer");
    const row = bucketRow(page, BUCKET);
    await expect(row.getByText("No rule — unprotected")).toBeVisible();
    await expect(page.getByRole("region", { name: "Lifecycle coverage" })).toBeVisible();
    await expect(page.getByRole("button", { name: /abort rule/i })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^(Add rule|Edit|Remove)$/ })).toHaveCount(0);
    await expect(page.getByRole("columnheader", { name: "Actions" })).toHaveCount(0);
    await page.screenshot({ path: `${screenshotDir}/lifecycle-buckets-viewer-1440.png`, fullPage: true });
    // The server action itself refuses a viewer: tests/integration/lifecycle.test.ts ("server actions").
  });
});

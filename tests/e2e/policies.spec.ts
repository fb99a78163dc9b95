// Policies end to end: an admin creates a report policy through the form (bad input first:
// a clear message per field, nothing saved), previews it (the dry run equals what the SDK
// lists), runs it now (its report, and the webhook on loopback receiving the summary once),
// and pauses it. A viewer sees the policy and its report but no way to change or run it. The
// webhook's URL (its secret query included) never reaches the browser: only its host does.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import type { Page } from "@playwright/test";
import { formatBytes, formatBytesExact, formatCount } from "@/lib/format";
import { expect, screenshotDir, test, users } from "../fixtures";
import { instanceDir, rawClient } from "../support/gateway";
import { countParts, listUploads } from "../support/sdk";

const BUCKET = "reclaim-logs";
const prefix = `e2e-policy/${randomBytes(3).toString("hex")}/`;
const name = `e2e-report-${randomBytes(2).toString("hex")}`;
const SECRET = `token-${randomBytes(8).toString("hex")}`;
const raw = rawClient("admin");

const received: { body: Record<string, unknown> }[] = [];
let receiver: http.Server;
let receiverHost = "";

async function shoot(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: `${screenshotDir}/${file}.png`, fullPage: true });
}

/** Every response body the browser got, to prove the webhook's secret is never among them. */
function recordResponses(page: Page, bodies: string[]): void {
  page.on("response", (response) => {
    void response
      .text()
      .then((text) => bodies.push(text))
      .catch(() => undefined);
  });
}

test.beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverHost = `127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // The server re-reads this file when it changes (playwright.config.ts names it).
  fs.writeFileSync(
    path.join(instanceDir, "e2e-webhooks.json"),
    JSON.stringify({ webhooks: [{ id: "e2e-receiver", format: "json", url: `http://${receiverHost}/hook?secret=${SECRET}` }] }),
  );
  for (const [i, sizes] of [[2_000, 1_000], [4_321], [777, 777, 777]].entries()) {
    const key = `${prefix}part-${i}.log`;
    const created = await raw.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    for (const [n, size] of sizes.entries()) {
      await raw.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: created.UploadId, PartNumber: n + 1, Body: randomBytes(size) }));
    }
  }
});

test.afterAll(async () => {
  for (const u of await listUploads(raw, BUCKET, prefix)) {
    await raw.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: u.key, UploadId: u.uploadId })).catch(() => undefined);
  }
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

test.describe.configure({ mode: "serial" });

let policyUrl = "";

test("an admin creates, previews, runs and pauses a report policy; the webhook gets the summary", async ({ page }) => {
  test.setTimeout(120_000);
  const bodies: string[] = [];
  recordResponses(page, bodies);
  const listed = await listUploads(raw, BUCKET, prefix);
  let parts = 0;
  let bytes = 0;
  for (const u of listed) {
    const counted = await countParts(raw, u);
    parts += counted.parts;
    bytes += counted.bytes;
  }

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/policies");
  await expect(page.getByRole("heading", { name: "Policies", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Policies" })).toHaveAttribute("aria-current", "page");
  await page.getByRole("button", { name: "New policy" }).click();
  const form = page.getByRole("form", { name: "New policy" });

  // Bad input: each field says what is wrong; nothing is saved.
  await form.getByLabel("Name").fill(name);
  await form.getByRole("checkbox", { name: BUCKET, exact: true }).check();
  await form.getByLabel("Key", { exact: true }).fill(prefix);
  await form.getByLabel("Key match").selectOption("prefix");
  await form.getByLabel("Older than").fill("");
  await form.getByLabel("Idle for").fill("");
  await form.getByLabel("Never if active within (min)").fill("0");
  await form.getByLabel("Schedule (cron)").fill("61 * * * *");
  await form.getByLabel("Time zone").fill("UTC");
  await form.getByLabel("Cap: uploads per run").fill("0");
  await form.getByRole("checkbox", { name: /e2e-receiver/ }).check();
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(form.getByText(/Not a valid cron expression \(.*minute.*61/)).toBeVisible();
  await expect(form.getByText("The cap must be at least 1 upload: a cap of 0 would stop every run before it starts.")).toBeVisible();
  await expect(form.getByText("Fix the 2 fields marked above; nothing was saved.")).toBeVisible();
  await expect(form.getByLabel("Schedule (cron)")).toHaveAttribute("aria-invalid", "true");
  await shoot(page, "policies-form-errors-1440");
  await expect(page.getByRole("heading", { name: "No policies yet" })).toBeVisible();

  await form.getByLabel("Schedule (cron)").fill("0 3 * * *");
  await expect(form.getByText(/^Next: \d{4}-\d\d-\d\d 03:00 UTC/)).toBeVisible();
  await form.getByLabel("Cap: uploads per run").fill("1000");
  await form.getByRole("button", { name: "Save policy" }).click();

  const detail = page.getByTestId("policy-detail");
  await expect(detail.getByRole("heading", { name })).toBeVisible();
  await expect(detail).toContainText(`e2e-receiver → ${receiverHost}`);
  const row = page.getByTestId("policy-row").filter({ hasText: name });
  await expect(row.getByTestId("next-run")).toContainText("03:00 UTC");
  await expect(row.getByTestId("last-run")).toHaveText("not run yet");
  policyUrl = page.url();
  expect(policyUrl).toMatch(/\/policies\?policy=[0-9a-f-]{36}$/);

  // Preview now: the dry run equals what the SDK lists under the prefix.
  await detail.getByRole("button", { name: "Preview now" }).click();
  const dryRun = page.getByTestId("dry-run");
  await expect(dryRun.getByRole("heading", { name: `Preview now: what ${name} would report` })).toBeVisible();
  await expect(dryRun.getByTestId("dry-run-count")).toHaveText(formatCount(listed.length));
  await expect(dryRun.getByTestId("dry-run-parts")).toHaveText(formatCount(parts));
  await expect(dryRun.getByTestId("dry-run-bytes")).toHaveText(formatBytesExact(bytes));
  await expect(dryRun.getByRole("button", { name: /Abort/ })).toHaveCount(0);
  await shoot(page, "policies-preview-1440");

  // Run now: a report run; its report; the webhook receives the summary once.
  await detail.getByRole("button", { name: "Run now" }).click();
  const report = page.getByTestId("run-report");
  await expect(report.getByTestId("run-status")).toHaveText("Reported");
  await expect(report.getByTestId("run-message")).toHaveText(
    `Found ${listed.length} uploads (${formatBytes(bytes)}) to abort. Nothing was aborted: this policy only reports.`,
  );
  await expect(report.getByTestId("deliveries").getByTestId("delivery")).toHaveText(/e2e-receiver\s*Delivered\s*1\s*HTTP 200/);
  const runId = new URL(page.url()).searchParams.get("run");
  expect(runId).toMatch(/^[0-9a-f-]{36}$/);
  const forRun = received.filter((r) => (r.body.run as { id?: string } | undefined)?.id === runId);
  expect(forRun).toHaveLength(1);
  expect(forRun[0]?.body).toMatchObject({ event: "policy-run", policy: { name, mode: "report", setBy: users.admin.email }, matched: { uploads: listed.length, bytes } });
  await expect(row.getByTestId("last-run")).toContainText("Reported");
  // Nothing aborted.
  expect((await listUploads(raw, BUCKET, prefix)).length).toBe(listed.length);
  await shoot(page, "policies-run-report-1440");

  // Pause: no next run; the list says so.
  await detail.getByRole("button", { name: "Pause" }).click();
  await expect(detail.getByTestId("paused-badge")).toBeVisible();
  await expect(row.getByTestId("next-run")).toHaveText("paused");
  await expect(detail.getByRole("button", { name: "Resume" })).toBeVisible();

  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "policies-390");

  // The webhook's URL never reached the browser; its host did.
  await page.waitForLoadState("networkidle");
  expect(bodies.some((b) => b.includes(receiverHost))).toBe(true);
  expect(bodies.filter((b) => b.includes(SECRET))).toEqual([]);
});

test.describe("as a viewer", () => {
  test.use({ storageState: users.viewer.state });

  test("sees the policy and its report, and has no way to change or run it", async ({ page }) => {
    const bodies: string[] = [];
    recordResponses(page, bodies);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(policyUrl);
    const detail = page.getByTestId("policy-detail");
    await expect(detail.getByRole("heading", { name })).toBeVisible();
    await expect(detail.getByTestId("paused-badge")).toBeVisible();
    await expect(detail.getByText("Viewers see policies and their reports; only admins create, change, run or delete them.")).toBeVisible();
    for (const button of ["Run now", "Edit", "Pause", "Resume", "Delete"]) {
      await expect(detail.getByRole("button", { name: button, exact: true })).toHaveCount(0);
    }
    await expect(page.getByRole("button", { name: "New policy" })).toHaveCount(0);
    // The run's report is readable.
    await page.getByTestId("run-row").first().getByRole("button").click();
    await expect(page.getByTestId("run-report").getByTestId("run-status")).toHaveText("Reported");
    // Previewing is read-only, so a viewer may.
    await detail.getByRole("button", { name: "Preview now" }).click();
    await expect(page.getByRole("region", { name: `Preview now: what ${name} would report` }).getByTestId("dry-run-count")).toBeVisible();
    await shoot(page, "policies-viewer-1440");
    await page.waitForLoadState("networkidle");
    expect(bodies.filter((b) => b.includes(SECRET))).toEqual([]);
  });
});

/** The header's "not caught by a rule or policy" bytes, once every listed upload is counted. */
async function notCaughtBytes(page: Page): Promise<number> {
  await expect(page.getByTestId("freshness")).not.toContainText("still being counted", { timeout: 90_000 });
  const title = await page.getByTestId("not-caught").locator("[title]").first().getAttribute("title");
  const match = /^([\d,]+) bytes?$/.exec(title ?? "");
  if (!match?.[1]) throw new Error(`not-caught shows no exact byte count yet (title "${title}")`);
  return Number(match[1].replaceAll(",", ""));
}

test("the uploads header counts an abort policy as coverage and marks the buckets it catches; deleting a policy asks first", async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(policyUrl);
  const detail = page.getByTestId("policy-detail");
  await detail.getByRole("button", { name: "Edit" }).click();
  const form = page.getByRole("form", { name: `Edit ${name}` });
  await form.getByRole("radio", { name: /^Abort/ }).check();
  // An abort policy must keep an activity window.
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(form.getByText(/An abort policy needs an activity window of at least 1 minute/)).toBeVisible();
  await form.getByLabel("Never if active within (min)").fill("60");
  // Runs on 1 January only: it will not run during the test.
  await form.getByLabel("Schedule (cron)").fill("0 0 1 1 *");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(detail.getByRole("button", { name: "Resume" })).toBeVisible();
  // Paused, it covers nothing: our uploads are among what nothing would abort.
  const ours = await listUploads(raw, BUCKET, prefix);
  let oursBytes = 0;
  for (const u of ours) oursBytes += (await countParts(raw, u)).bytes;
  expect(oursBytes).toBe(2_000 + 1_000 + 4_321 + 3 * 777);
  await page.goto("/?profile=local");
  let pausedBytes = -1;
  await expect.poll(async () => (pausedBytes = await notCaughtBytes(page).catch(() => -1)), { timeout: 90_000 }).toBeGreaterThanOrEqual(oursBytes);
  await page.goto(policyUrl);
  await detail.getByRole("button", { name: "Resume" }).click();
  await expect(detail.getByText("Active", { exact: true })).toBeVisible();

  await page.goto("/?profile=local");
  const chip = page.getByRole("list", { name: "Buckets" }).getByRole("button", { name: new RegExp(`^${BUCKET}`) });
  const inBucket = (await listUploads(raw, BUCKET)).length;
  const caught = (await listUploads(raw, BUCKET, prefix)).length;
  await expect(chip.getByTestId("bucket-policy")).toHaveText(`· policy ${formatCount(caught)}/${formatCount(inBucket)}`);
  await expect(chip.getByTestId("bucket-policy")).toHaveAttribute("title", new RegExp(`^Caught by policy ${name}`));
  // Active, it covers exactly our uploads (the seeded buckets have no lifecycle rule).
  await expect(page.getByTestId("not-caught")).toContainText("1 abort policy counted");
  await expect.poll(() => notCaughtBytes(page).catch(() => -1), { timeout: 90_000 }).toBe(pausedBytes - oursBytes);
  await shoot(page, "policies-uploads-header-1440");

  await page.goto(policyUrl);
  await detail.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: `Delete ${name}?` });
  await expect(dialog).toContainText("the bulk jobs it ran and the ledger rows stay");
  await dialog.getByRole("button", { name: "Delete policy" }).click();
  await expect(page.getByTestId("policy-row").filter({ hasText: name })).toHaveCount(0);
});

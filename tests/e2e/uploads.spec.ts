// The uploads table end to end, checked against the raw SDK (never against the app's code):
// (a) the table lists exactly what ListMultipartUploads lists, with ListParts' numbers;
// (b) an abort through the page goes aborting → verifying → reclaimed, the row leaves, and
//     the SDK proves the upload gone while completed objects stay untouched;
// (c) a part uploaded elsewhere changes the row on screen, a new upload appears, one
//     aborted elsewhere disappears;
// (d) filters and sort live in the URL;
// (e) screenshots at 1440×900 and 390×844.
// Uploads this file creates live under a fresh `e2e-table/<run>/` prefix and are aborted after.
import { randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetBucketLifecycleConfigurationCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListPartsCommand,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { Locator, Page } from "@playwright/test";
import { expect, screenshotDir, test, users } from "../fixtures";
import { rawClient, readManifest } from "../support/gateway";
import { countParts, listUploads, type RawUpload } from "../support/sdk";

const raw = rawClient("admin");
const run = randomBytes(3).toString("hex");
const prefix = `e2e-table/${run}/`;
const BUCKET = "reclaim-backups";

/** The table's data-row-id: bucket, key and upload id, each URI-encoded, joined by "/". */
const idOf = (u: { bucket: string; key: string; uploadId: string }) =>
  [u.bucket, u.key, u.uploadId].map(encodeURIComponent).join("/");

async function rawBuckets(client: S3Client = raw): Promise<string[]> {
  const answer = await client.send(new ListBucketsCommand({}));
  return (answer.Buckets ?? []).map((b) => b.Name ?? "").filter(Boolean);
}

async function createUpload(
  key: string,
  partSizes: number[],
  bucket = BUCKET,
): Promise<RawUpload & { bytes: number }> {
  const created = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId ?? "";
  for (const [i, size] of partSizes.entries()) {
    await raw.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: i + 1,
        Body: randomBytes(size),
      }),
    );
  }
  return {
    bucket,
    key,
    uploadId,
    initiated: undefined,
    bytes: partSizes.reduce((a, b) => a + b, 0),
  };
}

const count = (n: number) => n.toLocaleString("en-US");
const exactBytes = (n: number) => `${count(n)} ${n === 1 ? "byte" : "bytes"}`;

function table(page: Page): Locator {
  return page.getByRole("table", { name: "Incomplete uploads" });
}

function rowFor(page: Page, u: { bucket: string; key: string; uploadId: string }): Locator {
  return table(page).locator(`[role="row"][data-row-id="${idOf(u)}"]`);
}

/**
 * Cells of a row by column: 0 bucket, 1 key, 2 upload id, 3 initiated, 4 class, 5 initiator,
 * 6 parts, 7 size, 8 last part, 9 status — by aria-colindex (the selection checkbox is 1), so
 * a column hidden at this window width does not shift the others.
 */
function cell(row: Locator, index: number): Locator {
  return row.locator(`[role="cell"][aria-colindex="${index + 2}"]`);
}

/** Opens the uploads page and waits for the first listing (slow on a loaded machine: hydration + one action). */
async function openUploads(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId("freshness")).toContainText("Listed", { timeout: 60_000 });
}

async function waitUntilCounted(page: Page): Promise<void> {
  const freshness = page.getByTestId("freshness");
  await expect(freshness).toContainText("Listed");
  await expect(freshness).not.toContainText("still being counted", { timeout: 60_000 });
}

/**
 * Scrolls the virtualized table from top to bottom and collects every row id it renders.
 * Each step waits until the rows at the new position are in the DOM.
 */
async function collectRowIds(page: Page): Promise<string[]> {
  return table(page).evaluate(async (element) => {
    const ids = new Set<string>();
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    const collect = () => {
      for (const row of element.querySelectorAll<HTMLElement>("[role=row][data-row-id]"))
        ids.add(row.dataset.rowId ?? "");
    };
    const rendered = (index: number) =>
      element.querySelector(`[role=row][aria-rowindex="${index}"]`) !== null;
    const rowHeight =
      element.querySelector<HTMLElement>("[role=row][data-row-id]")?.offsetHeight ?? 52;
    const total = Number(element.getAttribute("aria-rowcount")) - 1;
    element.scrollTop = 0;
    for (let guard = 0; guard < 5_000; guard++) {
      // The first and last rows in view (aria-rowindex counts the header as 1).
      const first = Math.min(total - 1, Math.floor(element.scrollTop / rowHeight));
      const last = Math.min(
        total - 1,
        Math.floor((element.scrollTop + element.clientHeight) / rowHeight),
      );
      for (let wait = 0; wait < 600 && !(rendered(first + 2) && rendered(last + 1)); wait++)
        await frame();
      collect();
      if (element.scrollTop + element.clientHeight >= element.scrollHeight - 1) break;
      element.scrollTop += element.clientHeight - rowHeight;
      await frame();
    }
    element.scrollTop = 0;
    return [...ids];
  });
}

/** The exact byte count behind one of the header's figures (its title: "1,234 bytes"). */
async function headerBytes(page: Page, testId: "reclaimed-so-far" | "not-caught"): Promise<number> {
  const title = await page.getByTestId(testId).locator("[title]").first().getAttribute("title");
  const match = /^([\d,]+) bytes?$/.exec(title ?? "");
  if (!match?.[1]) throw new Error(`${testId} shows no exact byte count yet (title "${title}")`);
  return Number(match[1].replaceAll(",", ""));
}

/** Whether the bucket has any lifecycle configuration, asked through the SDK. */
async function hasLifecycle(bucket: string): Promise<boolean> {
  try {
    await raw.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === "NoSuchLifecycleConfiguration") return false;
    throw error;
  }
}

async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage });
}

test.afterAll(async () => {
  for (const u of await listUploads(raw, BUCKET, prefix)) {
    await raw
      .send(new AbortMultipartUploadCommand({ Bucket: u.bucket, Key: u.key, UploadId: u.uploadId }))
      .catch(() => undefined);
  }
});

test("(a) the table lists exactly what ListMultipartUploads lists, with ListParts' parts and bytes", async ({
  page,
}) => {
  test.setTimeout(300_000);
  // A tall window: fewer scroll steps to see every row.
  await page.setViewportSize({ width: 1440, height: 2400 });
  await openUploads(page, "/?sort=bucket&dir=asc");
  await expect(table(page)).toBeVisible();
  await waitUntilCounted(page);

  // The live SDK listing at test time, all buckets.
  const buckets = await rawBuckets();
  const sdk = (await Promise.all(buckets.map((b) => listUploads(raw, b)))).flat();
  expect(sdk.length).toBeGreaterThan(1000);
  await expect(table(page)).toHaveAttribute("aria-rowcount", String(sdk.length + 1));

  const shown = await collectRowIds(page);
  expect(shown.length).toBe(sdk.length);
  expect(shown.sort()).toEqual(sdk.map(idOf).sort());
  await page.setViewportSize({ width: 1440, height: 900 });

  // Per-bucket chips: the SDK's count for each bucket.
  const chips = page.getByRole("list", { name: "Buckets" });
  for (const bucket of buckets) {
    const n = sdk.filter((u) => u.bucket === bucket).length;
    await expect(
      chips.getByRole("button", { name: new RegExp(`^${bucket} ${count(n)} uploads? ·`) }),
    ).toBeVisible();
  }

  // Parts and bytes for a sample, including the 1,005-part upload (ListParts paging).
  const manifest = readManifest();
  const big = manifest.uploads.find((u) => u.parts >= 1005);
  expect(big, "the seed has a 1,005-part upload").toBeTruthy();
  const byKey = (bucket: string, pattern: RegExp) =>
    sdk.find((u) => u.bucket === bucket && pattern.test(u.key));
  const sample = [
    sdk.find((u) => big && u.uploadId === big.uploadId),
    byKey("reclaim-media", /gappy-render/),
    byKey("reclaim-media", /retry-part-one/),
    byKey("reclaim-backups", /^日本/),
    byKey("reclaim-backups", /^html\/<draft>/),
    sdk.find((u) => u.bucket === "reclaim-logs"),
  ].filter((u): u is RawUpload => u !== undefined);
  expect(sample.length).toBeGreaterThanOrEqual(5);

  for (const u of sample) {
    const expected = await countParts(raw, u);
    await openUploads(
      page,
      `/?bucket=${encodeURIComponent(u.bucket)}&q=${encodeURIComponent(u.key)}`,
    );
    const row = rowFor(page, u);
    await expect(row).toBeVisible();
    await expect(cell(row, 6)).toHaveText(count(expected.parts));
    await expect(cell(row, 7)).toHaveAttribute(
      "title",
      new RegExp(`^${exactBytes(expected.bytes)} `),
    );
    await expect(cell(row, 1).getByRole("button", { name: `Copy key ${u.key}` })).toBeVisible();
  }
  if (big) {
    const expected = await countParts(raw, big);
    expect(expected.parts).toBe(1005);
  }

  // The header's "not caught by a lifecycle rule": the seeded buckets have no lifecycle,
  // so it must be every byte ListParts reports for every listed upload.
  const withUploads = [...new Set(sdk.map((u) => u.bucket))];
  for (const bucket of withUploads) expect(await hasLifecycle(bucket), bucket).toBe(false);
  let heldBytes = 0;
  for (const u of sdk) heldBytes += (await countParts(raw, u)).bytes;
  await openUploads(page, "/");
  await expect
    .poll(() => headerBytes(page, "not-caught").catch(() => -1), { timeout: 90_000 })
    .toBe(heldBytes);
  await expect(page.getByTestId("not-caught")).toContainText(`${count(sdk.length)} uploads`);
});

test("(b) abort through the page: aborting → verifying → reclaimed, then the SDK proves it gone", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const sizes = [256 * 1024, 100 * 1024];
  const upload = await createUpload(`${prefix}abort-me.bin`, sizes);
  const bytes = 356 * 1024; // "356 KiB"

  await openUploads(page, `/?q=${encodeURIComponent(upload.key)}`);
  const row = rowFor(page, upload);
  await expect(cell(row, 6)).toHaveText("2");
  // One worker runs the specs one after another: nothing else aborts meanwhile.
  await expect
    .poll(() => headerBytes(page, "reclaimed-so-far").catch(() => -1), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(0);
  const reclaimedBefore = await headerBytes(page, "reclaimed-so-far");

  // Keyboard: Tab reaches the row's abort button; Enter opens the dialog; Escape cancels.
  const abortButton = row.getByRole("button", { name: `Abort upload ${upload.key} in ${BUCKET}` });
  await row.getByRole("button", { name: `Copy upload ID ${upload.uploadId}` }).focus();
  await page.keyboard.press("Tab");
  await expect(abortButton).toBeFocused();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Abort this upload?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(abortButton).toBeFocused();

  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(BUCKET);
  await expect(dialog).toContainText(upload.key);
  await expect(dialog).toContainText("356 KiB");
  await expect(dialog).toContainText(exactBytes(bytes));
  await expect(dialog.getByRole("alert")).toContainText(
    "This upload may still be in progress — a part arrived",
  );
  await shoot(page, "uploads-confirm-1440");

  // Record every state the row's status cell shows, however briefly.
  await row.evaluate((element) => {
    const seen: string[] = [];
    (window as unknown as { __statusSeen: string[] }).__statusSeen = seen;
    const statusCell = element.querySelector('[role=cell][aria-colindex="11"]');
    if (!statusCell) return;
    const note = () => {
      const text = statusCell.textContent ?? "";
      if (seen[seen.length - 1] !== text) seen.push(text);
    };
    new MutationObserver(note).observe(statusCell, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
  await dialog.getByRole("button", { name: "Abort upload" }).click();
  await expect(dialog).toBeHidden();

  await expect(cell(row, 9)).toContainText(/Aborting…|Verifying…|Reclaimed/);
  await shoot(page, "uploads-aborting-1440");
  await expect(cell(row, 9)).toHaveText("Reclaimed 356 KiB");
  await shoot(page, "uploads-reclaimed-1440");
  const status = page.getByRole("status", { name: "Abort results" });
  await expect(status).toContainText(`Reclaimed 356 KiB from ${BUCKET}/${upload.key}`);
  const seen = await page.evaluate(
    () => (window as unknown as { __statusSeen: string[] }).__statusSeen,
  );
  expect(seen[0]).toMatch(/Aborting…/);
  expect(seen.some((s) => s.includes("Verifying…"))).toBe(true);
  expect(seen[seen.length - 1]).toBe("Reclaimed 356 KiB");

  // The header's "reclaimed so far" grows by exactly the bytes ListParts held before.
  await expect.poll(() => headerBytes(page, "reclaimed-so-far")).toBe(reclaimedBefore + bytes);

  // The row leaves after showing its outcome.
  await expect(row).toHaveCount(0);
  await expect(page.getByText("No uploads match these filters")).toBeVisible();

  // The SDK: ListParts says NoSuchUpload (AWS) or NoSuchKey (RGW); the listing has no trace.
  const listParts = raw.send(
    new ListPartsCommand({ Bucket: BUCKET, Key: upload.key, UploadId: upload.uploadId }),
  );
  await expect(listParts).rejects.toMatchObject({
    name: expect.stringMatching(/^(NoSuchUpload|NoSuchKey)$/),
  });
  expect((await listUploads(raw, BUCKET, upload.key)).map((u) => u.uploadId)).not.toContain(
    upload.uploadId,
  );

  // Completed objects are untouched.
  const manifest = readManifest();
  for (const [bucket, totals] of Object.entries(manifest.buckets)) {
    for (const object of totals.objects) {
      const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: object.key }));
      expect(head.ContentLength).toBe(object.size);
      expect(head.ETag).toBe(object.etag);
    }
  }
});

test("(c) live: a part uploaded elsewhere shows on screen, a new upload appears, an aborted one disappears", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const live = await createUpload(`${prefix}live/growing.bin`, [10_000]);
  await openUploads(page, `/?q=${encodeURIComponent(`${prefix}live/`)}`);
  const row = rowFor(page, live);
  await expect(cell(row, 6)).toHaveText("1");
  await expect(cell(row, 7)).toHaveAttribute("title", new RegExp(`^${exactBytes(10_000)} `));

  // The e2e server refreshes every 2 s; the default 15 s expect timeout allows for a loaded machine.
  await raw.send(
    new UploadPartCommand({
      Bucket: BUCKET,
      Key: live.key,
      UploadId: live.uploadId,
      PartNumber: 2,
      Body: randomBytes(5_000),
    }),
  );
  await expect(cell(row, 6)).toHaveText("2");
  await expect(cell(row, 7)).toHaveAttribute("title", new RegExp(`^${exactBytes(15_000)} `));
  await expect(cell(row, 8)).toContainText(/checked (just now|\d+ s ago)/);

  const fresh = await createUpload(`${prefix}live/new-arrival.bin`, [1_234]);
  const freshRow = rowFor(page, fresh);
  await expect(freshRow).toBeVisible();
  await expect(cell(freshRow, 6)).toHaveText("1");
  await expect(table(page)).toHaveAttribute("aria-rowcount", "3");

  await raw.send(
    new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: live.key, UploadId: live.uploadId }),
  );
  await expect(row).toHaveCount(0);
  await expect(table(page)).toHaveAttribute("aria-rowcount", "2");
});

test("(d) filters and sort come from the URL, and the page writes them back", async ({ page }) => {
  test.setTimeout(180_000);
  const backups = await listUploads(raw, BUCKET);
  const nightly = backups.filter((u) => u.key.startsWith("nightly/")).map((u) => u.key);
  expect(nightly.length).toBeGreaterThanOrEqual(3);

  // Bucket + key text + sort by key.
  await openUploads(page, `/?bucket=${BUCKET}&q=nightly/&sort=key&dir=asc`);
  await expect(table(page)).toHaveAttribute("aria-rowcount", String(nightly.length + 1));
  await expect(page.getByRole("columnheader", { name: "Key" })).toHaveAttribute(
    "aria-sort",
    "ascending",
  );
  const keysAsc = await table(page)
    .locator("[role=row][data-row-id] [data-slot=key]")
    .allTextContents();
  expect(keysAsc).toEqual([...nightly].sort());
  await expect(page.getByLabel("Bucket", { exact: true })).toHaveValue(BUCKET);
  await expect(page.getByLabel("Key contains")).toHaveValue("nightly/");

  // Clicking the header flips the direction and writes it to the URL.
  await page.getByRole("columnheader", { name: "Key" }).getByRole("button").click();
  await expect(page).toHaveURL(/[?&]dir=desc/);
  await expect(page.getByRole("columnheader", { name: "Key" })).toHaveAttribute(
    "aria-sort",
    "descending",
  );
  const keysDesc = await table(page)
    .locator("[role=row][data-row-id] [data-slot=key]")
    .allTextContents();
  expect(keysDesc).toEqual([...nightly].sort().reverse());
  await page.reload();
  await expect(page.getByRole("columnheader", { name: "Key" })).toHaveAttribute(
    "aria-sort",
    "descending",
    { timeout: 60_000 },
  );

  // Minimum age: the SDK's Initiated decides.
  const logs = await listUploads(raw, "reclaim-logs");
  const olderThan20d = logs.filter(
    (u) => u.initiated && Date.now() - u.initiated.getTime() >= 20 * 86_400_000,
  );
  expect(olderThan20d.length).toBeGreaterThan(0);
  await openUploads(page, "/?bucket=reclaim-logs&minAge=20d");
  await expect(table(page)).toHaveAttribute("aria-rowcount", String(olderThan20d.length + 1));
  await expect(page.getByLabel("Older than")).toHaveValue("20d");

  // Minimum size, biggest first: ListParts decides.
  const media = await listUploads(raw, "reclaim-media");
  const sizes = await Promise.all(media.map(async (u) => ({ u, ...(await countParts(raw, u)) })));
  const big = sizes.filter((s) => s.bytes >= 1024 * 1024).sort((a, b) => b.bytes - a.bytes);
  await openUploads(page, "/?bucket=reclaim-media&minSize=1MiB&sort=bytes&dir=desc");
  await waitUntilCounted(page);
  await expect(table(page)).toHaveAttribute("aria-rowcount", String(big.length + 1));
  const firstRow = table(page).locator("[role=row][data-row-id]").first();
  await expect(cell(firstRow, 7)).toHaveAttribute(
    "title",
    new RegExp(`^${exactBytes(big[0]?.bytes ?? -1)} `),
  );

  // Typing a filter writes it to the URL.
  await page.getByLabel("Key contains").fill("videos/raw/");
  await expect(page).toHaveURL(/[?&]q=videos%2Fraw%2F/);
  const videos = sizes.filter(
    (s) => s.bytes >= 1024 * 1024 && s.u.key.toLowerCase().includes("videos/raw/"),
  );
  await expect(table(page)).toHaveAttribute("aria-rowcount", String(videos.length + 1));

  // Values that cannot be read are ignored with a visible note, never a crash.
  await openUploads(page, "/?minAge=soon&sort=colour&bucket=no-such-bucket");
  await expect(page.getByText('Minimum age "soon" was ignored')).toBeVisible();
  await expect(page.getByText('Sorting by "colour" is not possible')).toBeVisible();
  await expect(
    page.getByText('Bucket "no-such-bucket" is not listed on this endpoint'),
  ).toBeVisible();
  await expect(table(page)).toBeVisible();

  // Filters that match nothing say so and offer to clear them.
  await openUploads(page, `/?q=${encodeURIComponent(`${prefix}nothing-here`)}`);
  await expect(page.getByText("No uploads match these filters")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).first().click();
  await expect(table(page)).toBeVisible();
  await expect(page).not.toHaveURL(/[?&]q=/);
});

test("(e) screenshots: the full table, narrow screen, and a bucket the key may not list", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openUploads(page, "/");
  await expect(table(page)).toBeVisible();
  await waitUntilCounted(page);
  await shoot(page, "uploads-1440");

  const anyRow = table(page).locator("[role=row][data-row-id]").first();
  await anyRow.getByRole("button", { name: /^Abort upload/ }).click();
  await expect(page.getByRole("dialog", { name: "Abort this upload?" })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "uploads-confirm-390");
  await page.getByRole("button", { name: "Cancel" }).click();
  await shoot(page, "uploads-390");
  await shoot(page, "uploads-390-full", true);

  // The restricted key: reclaim-media is access denied, shown as a problem, never "0 uploads".
  await page.setViewportSize({ width: 1440, height: 900 });
  await openUploads(page, "/?profile=local-restricted");
  const chips = page.getByRole("list", { name: "Buckets" });
  await expect(chips.getByRole("button", { name: /^reclaim-media access denied/ })).toBeVisible();
  await expect(page.getByTestId("bucket-problems")).toContainText("reclaim-media");
  await expect(chips).not.toContainText(/reclaim-media\s*0 uploads/);
  await expect(table(page)).toBeVisible();
  await shoot(page, "uploads-restricted-1440");
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "uploads-restricted-390", true);
});

test("(f) a key without s3:AbortMultipartUpload: the row says permission denied and the upload stays", async ({
  page,
}) => {
  test.setTimeout(180_000);
  // The restricted key may list reclaim-logs (bucket policy) but not abort there.
  const logs = await listUploads(raw, "reclaim-logs");
  const target = logs.find((u) => u.key.startsWith("worker/")) ?? logs[0];
  expect(target).toBeTruthy();
  if (!target) return;
  await openUploads(
    page,
    `/?profile=local-restricted&bucket=reclaim-logs&q=${encodeURIComponent(target.key)}`,
  );
  const row = rowFor(page, target);
  await row.getByRole("button", { name: `Abort upload ${target.key} in reclaim-logs` }).click();
  const dialog = page.getByRole("dialog", { name: "Abort this upload?" });
  await dialog.getByRole("button", { name: "Abort upload" }).click();
  await expect(cell(row, 9)).toContainText(
    "Permission denied — the key lacks s3:AbortMultipartUpload",
  );
  const status = page.getByRole("status", { name: "Abort results" });
  await expect(status).toContainText("s3:AbortMultipartUpload");
  await expect(status).toContainText(target.key);
  await shoot(page, "uploads-denied-1440");
  // Nothing was aborted.
  expect((await listUploads(raw, "reclaim-logs", target.key)).map((u) => u.uploadId)).toContain(
    target.uploadId,
  );
  await expect(row).toBeVisible();
});

test.describe("as a viewer", () => {
  test.use({ storageState: users.viewer.state });

  test("sees the uploads but no abort controls", async ({ page }) => {
    await openUploads(page, "/");
    await expect(table(page)).toBeVisible();
    await expect(table(page).locator("[role=row][data-row-id]").first()).toBeVisible();
    await expect(page.getByRole("button", { name: /^Abort/ })).toHaveCount(0);
    await expect(page.getByRole("columnheader", { name: "Status" })).toHaveCount(0);
  });
});

import crypto from "node:crypto";
import { ListPartsCommand } from "@aws-sdk/client-s3";
import { request as playwrightRequest } from "@playwright/test";
import { expect, test, users } from "../fixtures";
import { rawClient } from "../support/gateway";
import { createUploadWithParts, isListed } from "../support/sdk";

// Every server action is a public POST endpoint. Capture the real abort request the UI
// sends, then replay it (aimed at another upload) without a session, as a viewer, and as
// the admin from a foreign origin: each must be refused and the upload must stay. The same
// replay with the admin's session and the right origin succeeds, so the refusals are the
// session and origin checks at work, not a replay that could never have worked.

const BUCKET = "reclaim-backups";

function createUpload(key: string) {
  return createUploadWithParts(rawClient("admin"), BUCKET, key);
}

test("a captured abort action replayed without the right session or origin is refused, and with them succeeds", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const prefix = `e2e-replay/${crypto.randomBytes(4).toString("hex")}/`;
  const clicked = await createUpload(`${prefix}clicked.bin`);
  const target = await createUpload(`${prefix}target.bin`);
  const allowed = await createUpload(`${prefix}allowed.bin`);

  await page.goto(`/?q=${encodeURIComponent(prefix)}`);
  const captured = page.waitForRequest(
    // The abort action's input is {profileId, upload}; list/refresh/verify send `uploads`.
    (req) => {
      const posted = req.postData() ?? "";
      return req.method() === "POST" && !!req.headers()["next-action"] && posted.includes('"upload":{') && posted.includes(clicked.uploadId);
    },
  );
  await page.getByRole("button", { name: `Abort upload ${clicked.key} in ${BUCKET}` }).click({ timeout: 60_000 });
  await page.getByRole("dialog", { name: "Abort this upload?" }).getByRole("button", { name: "Abort upload" }).click();
  const abortRequest = await captured;

  // The admin's own click works: the clicked upload ends reclaimed and is gone.
  await expect(page.getByRole("status", { name: "Abort results" })).toContainText(/Reclaimed/, { timeout: 60_000 });
  await expect.poll(() => isListed(rawClient("admin"), clicked)).toBe(false);

  const aimedAt = (upload: { key: string; uploadId: string }) =>
    (abortRequest.postData() ?? "").replaceAll(clicked.uploadId, upload.uploadId).replaceAll(clicked.key, upload.key);
  const body = aimedAt(target);
  const headers = {
    "next-action": abortRequest.headers()["next-action"] ?? "",
    "content-type": abortRequest.headers()["content-type"] ?? "text/plain;charset=UTF-8",
    accept: "text/x-component",
  };
  const url = abortRequest.url();
  const origin = new URL(baseURL ?? url).origin;
  const attempts = [
    { name: "no session", storageState: { cookies: [], origins: [] }, origin },
    { name: "viewer session", storageState: users.viewer.state, origin },
    { name: "admin session, foreign origin", storageState: users.admin.state, origin: "https://evil.example" },
  ];
  for (const attempt of attempts) {
    const context = await playwrightRequest.newContext({ storageState: attempt.storageState });
    const response = await context.post(url, { headers: { ...headers, origin: attempt.origin }, data: body, maxRedirects: 0 });
    const text = await response.text();
    expect(text, attempt.name).not.toContain('"ok":true');
    expect(await isListed(rawClient("admin"), target), attempt.name).toBe(true);
    await context.dispose();
  }
  const parts = await rawClient("admin").send(new ListPartsCommand({ Bucket: BUCKET, Key: target.key, UploadId: target.uploadId }));
  expect(parts.Parts?.length).toBe(1);

  // The same request with the admin's session and the dashboard's own origin is carried out.
  const admin = await playwrightRequest.newContext({ storageState: users.admin.state });
  const response = await admin.post(url, { headers: { ...headers, origin }, data: aimedAt(allowed), maxRedirects: 0 });
  expect(response.status()).toBe(200);
  const answer = await response.text();
  expect(answer).toContain('"ok":true');
  expect(answer).toContain('"outcome":"reclaimed"');
  await admin.dispose();
  expect(await isListed(rawClient("admin"), allowed)).toBe(false);
  expect(await isListed(rawClient("admin"), target)).toBe(true);
});

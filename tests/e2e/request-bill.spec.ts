// The cost of watching, in the browser: the uploads page shows what the dashboard itself sent
// to the endpoint in the last hour (with its breakdown), and a hidden tab stops polling the
// server altogether (the server side — no polls, no S3 requests — is in
// tests/integration/reread-schedule.test.ts).
import type { Page, Request } from "@playwright/test";
import { expect, screenshotDir, test } from "../fixtures";

async function openUploads(page: Page): Promise<void> {
  await page.goto("/");
  await expect(page.getByTestId("freshness")).toContainText("Listed", { timeout: 60_000 });
}

/** A server action call: Next.js posts them with a Next-Action header. */
const isAction = (request: Request) => request.method() === "POST" && request.headers()["next-action"] !== undefined;

/** Makes the page believe the tab was hidden or shown, as switching tabs does. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (value ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => value });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

test("the uploads page shows the dashboard's own S3 requests of the last hour and their cost", async ({ page }) => {
  test.setTimeout(120_000);
  await openUploads(page);
  const bill = page.getByTestId("request-bill");
  const summary = bill.locator("summary");
  await expect(summary).toHaveText(/^[\d,]+ S3 requests? in the last hour, ≈ \$[\d.,]+$/);
  const total = Number((await summary.innerText()).split(" ")[0]?.replace(/,/g, ""));
  // Listing this page's uploads took requests: the server has sent some.
  expect(total).toBeGreaterThan(0);

  await summary.click();
  const why = bill.getByRole("table", { name: "Why" });
  await expect(why.getByRole("rowheader", { name: "listing uploads" })).toBeVisible();
  await expect(bill.getByRole("table", { name: "Operation" }).getByRole("rowheader", { name: "ListMultipartUploads" })).toBeVisible();
  await expect(bill).toContainText("per 1,000");
  // The breakdown adds up to the total it explains (both from one answer).
  const counts = await why.getByRole("cell").allInnerTexts();
  const shown = Number((await summary.innerText()).split(" ")[0]?.replace(/,/g, ""));
  expect(counts.reduce((sum, text) => sum + Number(text.replace(/,/g, "")), 0)).toBe(shown);
  await page.screenshot({ path: `${screenshotDir}/request-bill.png` });

  // Keyboard: the summary toggles the breakdown.
  await summary.focus();
  await page.keyboard.press("Enter");
  await expect(why).toBeHidden();
});

test("a hidden tab stops polling the server, and a shown one resumes", async ({ page }) => {
  // Each server action call is noted in the page as it is made, with whether the tab was hidden
  // then: a call made just before the tab hid may reach the test's request events after it.
  await page.addInitScript(() => {
    const calls: { hidden: boolean }[] = [];
    Object.assign(window, { __actionCalls: calls });
    const send = window.fetch;
    window.fetch = function (input: RequestInfo | URL, init?: RequestInit) {
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      if (headers.has("next-action")) calls.push({ hidden: document.visibilityState === "hidden" });
      return send.call(this, input, init);
    };
  });
  const calls = (hidden: boolean) =>
    page.evaluate((h) => (window as unknown as { __actionCalls: { hidden: boolean }[] }).__actionCalls.filter((c) => c.hidden === h).length, hidden);
  // The page's timers run on a clock the test moves, so "nothing for 8 s" takes no waiting.
  await page.clock.install();
  await openUploads(page);
  const actions: number[] = [];
  page.on("request", (request) => {
    if (isAction(request)) actions.push(actions.length);
  });
  // Visible: the e2e server refreshes every 2 s, so 8 s bring several polls.
  await page.clock.runFor(8_000);
  await expect.poll(() => actions.length).toBeGreaterThanOrEqual(3);
  expect(await calls(false)).toBeGreaterThanOrEqual(3);

  await setHidden(page, true);
  await page.clock.runFor(8_000);
  await page.waitForLoadState("networkidle");
  expect(await calls(true)).toBe(0);

  const shownBefore = await calls(false);
  await setHidden(page, false);
  await page.clock.runFor(2_500);
  await expect.poll(() => calls(false)).toBeGreaterThan(shownBefore);
});

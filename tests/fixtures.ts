import path from "node:path";
import { test as base, expect, type Page } from "@playwright/test";
import { instanceDir } from "./support/gateway";

export { expect };

export const users = {
  admin: { email: "admin@reclaim.test", password: "admin-password-e2e", state: path.join(instanceDir, "e2e-admin.json") },
  viewer: { email: "viewer@reclaim.test", password: "viewer-password-e2e", state: path.join(instanceDir, "e2e-viewer.json") },
} as const;

/** The e2e server's RECLAIM_METRICS_TOKEN (playwright.config.ts). */
export const metricsToken = "e2e-metrics-token-4f1c9a7b2d";

export const screenshotDir = path.resolve(__dirname, "../test-results/screenshots");

export async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/");
}

/** Tests run signed in as the admin unless they opt into another storage state. */
export const test = base.extend({
  storageState: users.admin.state,
});

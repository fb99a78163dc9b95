import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { debianChromium } from "./tests/support/chromium";

// Two dashboard instances on one PostgreSQL and one gateway (tests/e2e-multi): the spec
// starts the private PostgreSQL (scripts/postgres.sh), a scratch database and both
// `next start` processes itself, on RECLAIM_E2E_PORT and the port after it, because it
// kills one of them on purpose. It needs a production build (`npx next build`).

export default defineConfig({
  testDir: "tests/e2e-multi",
  outputDir: path.join("test-results", `${process.env.RECLAIM_TEST_INSTANCE ?? "test"}-multi`),
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 300_000,
  expect: { timeout: 30_000 },
  reporter: [["list"]],
  use: {
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    ...devices["Desktop Chrome"],
    viewport: { width: 1440, height: 900 },
    launchOptions: debianChromium,
  },
});

import fs from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { metricsToken, users } from "./tests/fixtures";
import { debianChromium } from "./tests/support/chromium";

// End-to-end tests drive Debian's Chromium against the standalone production build (what a
// deployment runs; scripts/build.sh) served by scripts/serve.sh, talking to the real local Ceph
// gateway (scripts/test.sh starts and seeds it).
const port = Number(process.env.RECLAIM_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const instanceDir = path.resolve(__dirname, ".data", process.env.RECLAIM_TEST_INSTANCE ?? "test");
const serverLog = path.join(instanceDir, "e2e-server.log");
// Webhooks the server may notify: none at first; tests/e2e/policies.spec.ts writes its loopback
// receiver here (the server re-reads the file when it changes). Workers load this file too:
// only a missing file is written.
const webhooksFile = path.join(instanceDir, "e2e-webhooks.json");
fs.mkdirSync(instanceDir, { recursive: true });
if (!fs.existsSync(webhooksFile)) fs.writeFileSync(webhooksFile, JSON.stringify({ webhooks: [] }));

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: path.join("test-results", process.env.RECLAIM_TEST_INSTANCE ?? "test"),
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  globalSetup: "./tests/e2e/global-setup.ts",
  globalTeardown: "./tests/e2e/global-teardown.ts",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: debianChromium,
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    {
      name: "chromium",
      use: { ...devices["Desktop Chrome"], viewport: { width: 1440, height: 900 } },
      dependencies: ["setup"],
    },
  ],
  webServer: {
    // The server's output is kept so the teardown can prove no secret was ever logged.
    command: `bash scripts/serve.sh -H 127.0.0.1 -p ${port} 2>&1 | tee ${serverLog}`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      RECLAIM_PROFILES_FILE: path.join(instanceDir, "profiles.json"),
      RECLAIM_DB_FILE: path.join(instanceDir, "e2e.sqlite"),
      BETTER_AUTH_URL: baseURL,
      RECLAIM_ADMIN_EMAIL: users.admin.email,
      RECLAIM_ADMIN_PASSWORD: users.admin.password,
      RECLAIM_REFRESH_MS: "2000",
      RECLAIM_WEBHOOKS_FILE: webhooksFile,
      // Re-list every 2 s too (default 30 s), so new and vanished uploads show within the tests' waits.
      RECLAIM_RELIST_MS: "2000",
      RECLAIM_METRICS_TOKEN: metricsToken,
      // No scheduled inventory: the tests' own listings are the only S3 traffic.
      RECLAIM_INVENTORY_INTERVAL_MINUTES: "0",
    },
  },
});

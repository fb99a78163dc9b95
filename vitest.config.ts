import path from "node:path";
import { defineConfig } from "vitest/config";

// Two projects: unit tests sit beside the code (lib/**/*.test.ts) and need nothing running;
// integration tests (tests/integration) talk to the real local Ceph gateway, started and
// seeded by tests/integration/global-setup.ts.
const alias = {
  "@": path.resolve(__dirname),
  // "server-only" throws outside a React Server bundle; under Vitest we are on the server.
  "server-only": path.resolve(__dirname, "tests/support/empty-module.ts"),
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          environment: "node",
          include: ["lib/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          environment: "node",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/integration/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Tests share one gateway; files run one at a time so their buckets don't race.
          fileParallelism: false,
          // One JSON line per abort would bury the results; a test that reads logs asks for info.
          env: { RECLAIM_LOG_LEVEL: "warn" },
        },
      },
    ],
  },
});

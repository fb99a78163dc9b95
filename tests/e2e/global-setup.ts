import { ensureSeededGateway, readGateway } from "../support/gateway";

// The gateway is normally started and seeded by scripts/test.sh; this makes
// `npx playwright test` work on its own too. Idempotent.
export default function globalSetup(): void {
  ensureSeededGateway();
  readGateway(); // refuses a non-loopback endpoint
}

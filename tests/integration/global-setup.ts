import { ensureSeededGateway, profilesFile, readGateway } from "../support/gateway";

// Starts (or reuses) the real local gateway, seeds it, and points the app code at it.
export default function setup(): void {
  ensureSeededGateway();
  readGateway(); // asserts the endpoint is loopback
  process.env.RECLAIM_PROFILES_FILE = profilesFile;
}

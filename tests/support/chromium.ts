// Debian's Chromium, as every Playwright config here launches it: headless, as root in CI
// (no sandbox), and quiet on the network (loopback only on this machine).
import type { LaunchOptions } from "@playwright/test";

export const debianChromium: LaunchOptions = {
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

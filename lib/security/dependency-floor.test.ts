import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// `npm audit` cannot reach the registry here, so the floor for the 2025 React Server
// Components / server-function advisories (remote code execution CVE-2025-55182, then the
// denial-of-service and source-exposure follow-ups) is checked on the installed versions.
const floors: Record<string, string> = {
  next: "16.0.10",
  react: "19.2.3",
  "react-dom": "19.2.3",
};

function installedVersion(name: string): string {
  const file = path.resolve(__dirname, "../../node_modules", name, "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/** Negative when a < b, comparing major.minor.patch numerically (pre-release tags ignored). */
function compareVersions(a: string, b: string): number {
  const parse = (v: string) => (v.split("-")[0] ?? "").split(".").map((n) => Number(n));
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

describe("security floor of installed framework packages", () => {
  it("compares versions numerically", () => {
    expect(compareVersions("16.0.10", "16.0.7")).toBeGreaterThan(0);
    expect(compareVersions("19.2.2", "19.2.3")).toBeLessThan(0);
    expect(compareVersions("19.3.0-canary.1", "19.3.0")).toBe(0);
  });

  for (const [name, floor] of Object.entries(floors)) {
    it(`${name} is at least ${floor}`, () => {
      expect(compareVersions(installedVersion(name), floor)).toBeGreaterThanOrEqual(0);
    });
  }

  // The App Router runs the React that Next bundles, not the one in node_modules/react.
  for (const bundled of ["react/cjs/react.production.js", "react-dom/cjs/react-dom.production.js"]) {
    it(`Next's bundled ${bundled.split("/")[0]} is at least the React floor`, () => {
      const source = fs.readFileSync(path.resolve(__dirname, "../../node_modules/next/dist/compiled", bundled), "utf8");
      const version = /exports\.version = "([^"]+)"/.exec(source)?.[1];
      expect(version).toBeTruthy();
      expect(compareVersions(version ?? "0.0.0", floors.react ?? "")).toBeGreaterThanOrEqual(0);
    });
  }
});

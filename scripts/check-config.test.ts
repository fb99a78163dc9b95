import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// `npm run check-config` as an operator runs it: the real script, its output and exit status.
const repo = path.resolve(__dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-check-config-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string>) {
  const result = spawnSync(
    path.join(repo, "node_modules/.bin/tsx"),
    ["--conditions=react-server", path.join(repo, "scripts/check-config.ts"), ...args],
    {
      cwd: repo,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "development", ...env },
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("npm run check-config", () => {
  const profiles = path.join(dir, "profiles.json");
  fs.writeFileSync(
    profiles,
    JSON.stringify({
      profiles: [
        {
          id: "lab",
          label: "Lab",
          endpoint: "http://rgw.lab.example:7480",
          credentials: { env: { accessKeyId: "LAB_KEY", secretAccessKey: "LAB_SECRET" } },
        },
      ],
    }),
  );

  it("exits 1 and lists every problem when the server would refuse to start", () => {
    const { status, output } = run([], {
      RECLAIM_PROFILES_FILE: profiles,
      RECLAIM_S3_TIMEOUT_MS: "0",
    });
    expect(status).toBe(1);
    expect(output).toMatch(/error +RECLAIM_S3_TIMEOUT_MS: must be a whole number above 0/);
    expect(output).toMatch(/error +LAB_KEY, LAB_SECRET: not set/);
    expect(output).toMatch(/warning +profiles\[0\]\.endpoint \(lab\): .*plain HTTP/);
    expect(output).toContain("2 errors, 1 warning");
  });

  it("exits 0 with warnings only, reading the settings from --env-file", () => {
    const envFile = path.join(dir, "reclaim.env");
    fs.writeFileSync(
      envFile,
      `RECLAIM_PROFILES_FILE=${profiles}\nLAB_KEY=AKIDLAB\nLAB_SECRET=${"f".repeat(40)}\n`,
    );
    const { status, output } = run(["--env-file", envFile], {});
    expect(status).toBe(0);
    expect(output).toContain("1 warning: the server starts");
    expect(output).not.toContain("f".repeat(40));
  });
});

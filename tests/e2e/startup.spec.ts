import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "../fixtures";
import { startExpectingRefusal } from "../support/app-server";
import { findSecrets, gatewaySecrets } from "../support/secrets";

// The deployable build started as a service would start it (scripts/serve.sh → server.js), with
// a configuration that has several problems: it must list them all and stop before serving.

test("the server refuses to start on a bad configuration, naming every problem and no secret", async () => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-startup-"));
  try {
    const [accessKeyId = "", secretAccessKey = ""] = gatewaySecrets();
    const keys = path.join(dir, "keys.json");
    fs.writeFileSync(keys, JSON.stringify({ accessKeyId, secretAccessKey }), { mode: 0o644 });
    const profiles = path.join(dir, "profiles.json");
    fs.writeFileSync(
      profiles,
      JSON.stringify({
        profiles: [
          {
            id: "readable-keys",
            label: "Keys anyone can read",
            endpoint: "http://127.0.0.1:1",
            credentials: { file: keys },
          },
          { id: "no-keys", label: "No credentials", endpoint: "https://s3.example" },
        ],
      }),
    );

    const { exitCode, output, served } = await startExpectingRefusal({
      env: {
        RECLAIM_PROFILES_FILE: profiles,
        RECLAIM_DB_FILE: path.join(dir, "reclaim.sqlite"),
        RECLAIM_S3_CONCURRENCY: "many",
        RECLAIM_REFRESH_MZ: "1000",
        BETTER_AUTH_SECRET: secretAccessKey.slice(0, 20),
      },
    });

    expect(served, output).toBe(false);
    expect(exitCode, output).toBe(78);
    expect(output).toMatch(/error +RECLAIM_S3_CONCURRENCY: /);
    expect(output).toMatch(/error +BETTER_AUTH_SECRET: must be at least 32 characters/);
    expect(output).toMatch(/error +profiles\[1\]\.credentials \(no-keys\): missing/);
    expect(output).toMatch(
      /warning +profiles\[0\]\.credentials\.file \(readable-keys\): .*chmod 600/,
    );
    expect(output).toMatch(/warning +RECLAIM_REFRESH_MZ: .*did you mean RECLAIM_REFRESH_MS\?/);
    expect(output).toContain("3 errors, 2 warnings");
    expect(
      findSecrets(output, [accessKeyId, secretAccessKey, secretAccessKey.slice(0, 20)]),
    ).toEqual([]);
    expect(
      fs.existsSync(path.join(dir, "reclaim.sqlite")),
      "nothing is written before the check",
    ).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

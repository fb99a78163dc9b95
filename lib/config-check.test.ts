import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkConfig, formatConfigReport, hasErrors } from "@/lib/config-check";
import type { ConfigProblem, Settings } from "@/lib/env";

// Real files in a temporary folder; the environment is passed in, never process.env.

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-config-"));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeFile(name: string, content: string, mode = 0o600): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  fs.chmodSync(file, mode);
  return file;
}

// Random secrets: 8 characters of one found in a report can only have come from it.
const secret = () => crypto.randomBytes(16).toString("hex");
const keyFile = { accessKeyId: "AKIDCHECKCONFIG01", secretAccessKey: secret() };

function profile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "lab",
    label: "Lab",
    endpoint: "https://s3.lab.example",
    credentials: { env: { accessKeyId: "LAB_KEY", secretAccessKey: "LAB_SECRET" } },
    ...overrides,
  };
}

const labKeys = { LAB_KEY: "AKIDLABKEY0000001", LAB_SECRET: secret() };

function check(profiles: unknown[] | string, env: Settings = {}) {
  const file = writeFile(
    "profiles.json",
    typeof profiles === "string" ? profiles : JSON.stringify({ profiles }, null, 2),
  );
  return checkConfig({ RECLAIM_PROFILES_FILE: file, ...labKeys, ...env });
}

function only(problems: ConfigProblem[], severity: ConfigProblem["severity"]): ConfigProblem[] {
  return problems.filter((p) => p.severity === severity);
}

describe("checkConfig", () => {
  it("finds nothing wrong with a valid configuration", () => {
    const report = check([profile()]);
    expect(report.problems).toEqual([]);
    expect(hasErrors(report)).toBe(false);
    expect(formatConfigReport(report)).toContain("no problems found");
  });

  it("reports a missing profiles file on RECLAIM_PROFILES_FILE, with what to do", () => {
    const missing = path.join(dir, "nowhere", "profiles.json");
    const report = checkConfig({ RECLAIM_PROFILES_FILE: missing });
    expect(report.problems).toHaveLength(1);
    const [problem] = report.problems;
    expect(problem).toMatchObject({ severity: "error", setting: "RECLAIM_PROFILES_FILE" });
    expect(problem?.message).toContain(`${missing} does not exist`);
    expect(problem?.message).toMatch(/set RECLAIM_PROFILES_FILE/);
  });

  it("reports invalid JSON with the line and column where it breaks", () => {
    const lines = ["{", '  "profiles": [', '    { "id": "lab", "label": "Lab", }', "  ]", "}"];
    const brokenLine = 3;
    const brokenColumn = lines[brokenLine - 1]!.indexOf("}") + 1; // the brace after a trailing comma
    const report = check(lines.join("\n"));
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({
      severity: "error",
      setting: "RECLAIM_PROFILES_FILE",
    });
    expect(report.problems[0]?.message).toContain(
      `is not valid JSON at line ${brokenLine}, column ${brokenColumn}`,
    );
  });

  it("reports a profile without credentials, naming the profile and both ways to give them", () => {
    const { credentials: _omitted, ...withoutCredentials } = profile({ id: "nokeys" });
    const report = check([profile(), withoutCredentials]);
    const errors = only(report.problems, "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.setting).toBe("profiles[1].credentials (nokeys)");
    expect(errors[0]?.message).toMatch(/^missing: .*"env".*"file"/);
  });

  it("reports credentials named in the profile but absent from the environment, by variable name", () => {
    const report = checkConfig({
      RECLAIM_PROFILES_FILE: writeFile("p.json", JSON.stringify({ profiles: [profile()] })),
      LAB_KEY: "x",
    });
    expect(report.problems).toEqual([
      expect.objectContaining({
        severity: "error",
        setting: "LAB_SECRET",
        message: expect.stringContaining("profiles[0] (lab)"),
      }),
    ]);
  });

  it("warns when a credentials file can be read by every user, and not once it is private", () => {
    const keys = writeFile("keys.json", JSON.stringify(keyFile), 0o644);
    const profiles = [profile({ credentials: { file: "keys.json" } })];
    const open = check(profiles);
    expect(open.problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        setting: "profiles[0].credentials.file (lab)",
      }),
    ]);
    expect(open.problems[0]?.message).toContain(`chmod 600 ${keys}`);
    expect(hasErrors(open)).toBe(false);

    fs.chmodSync(keys, 0o600);
    expect(check(profiles).problems).toEqual([]);
  });

  it("warns about an unknown setting name and suggests the setting it is a typo of", () => {
    const report = check([profile({ forcePathstyle: false })], {
      RECLAIM_S3_CONCURENCY: "8",
      RECLAIM_COLOUR: "blue",
    });
    const warnings = only(report.problems, "warning");
    expect(warnings).toContainEqual(
      expect.objectContaining({
        setting: "RECLAIM_S3_CONCURENCY",
        message: expect.stringContaining("did you mean RECLAIM_S3_CONCURRENCY?"),
      }),
    );
    expect(warnings).toContainEqual(
      expect.objectContaining({
        setting: "profiles[0].forcePathstyle (lab)",
        message: expect.stringContaining("did you mean forcePathStyle?"),
      }),
    );
    const unrelated = warnings.find((w) => w.setting === "RECLAIM_COLOUR");
    expect(unrelated?.message).toContain("is not a Reclaim setting");
    expect(unrelated?.message).not.toContain("did you mean");
    expect(hasErrors(report)).toBe(false);
  });

  it("does not take the scripts' and tests' own variables for typos", () => {
    const report = check([profile()], {
      RECLAIM_DIST_DIR: ".next-x",
      RECLAIM_TEST_INSTANCE: "x",
      RECLAIM_GW_PORT: "1",
    });
    expect(report.problems).toEqual([]);
  });

  it("warns about plain HTTP to another machine, not on loopback nor over HTTPS", () => {
    const report = check([
      profile({ id: "remote", endpoint: "http://rgw.lab.example:7480" }),
      profile({ id: "local", endpoint: "http://127.0.0.1:7480" }),
      profile({ id: "local6", endpoint: "http://[::1]:7480" }),
      profile({ id: "named", endpoint: "http://localhost:7480" }),
      profile({ id: "tls", endpoint: "https://rgw.lab.example" }),
    ]);
    expect(report.problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        setting: "profiles[0].endpoint (remote)",
        message: expect.stringContaining("https://"),
      }),
    ]);
  });

  it("reports every problem of the environment and the profiles file in one run", () => {
    const report = check(
      [profile({ id: "Bad Id" }), profile({ id: "web", endpoint: "http://10.0.0.9" })],
      {
        RECLAIM_S3_TIMEOUT_MS: "soon",
        RECLAIM_REFRESH_MS: "-5",
        RECLAIM_REFRES_MS: "100",
      },
    );
    const settings = report.problems.map((p) => `${p.severity} ${p.setting}`);
    expect(settings).toEqual(
      expect.arrayContaining([
        "error RECLAIM_S3_TIMEOUT_MS",
        "error RECLAIM_REFRESH_MS",
        "warning RECLAIM_REFRES_MS",
        "error profiles[0].id (Bad Id)",
        "warning profiles[1].endpoint (web)",
      ]),
    );
    expect(report.problems).toHaveLength(5);
    const text = formatConfigReport(report);
    expect(text).toContain("3 errors, 2 warnings");
    for (const p of report.problems) expect(text).toContain(`${p.setting}: ${p.message}`);
  });

  it("requires absolute file paths in production, where the server runs in its build folder", () => {
    const file = writeFile("profiles.json", JSON.stringify({ profiles: [profile()] }));
    const production = { NODE_ENV: "production", BETTER_AUTH_URL: "https://reclaim.example" };
    const relative = checkConfig({ ...production, RECLAIM_PROFILES_FILE: file, ...labKeys });
    expect(relative.problems).toEqual([
      expect.objectContaining({
        severity: "error",
        setting: "RECLAIM_DB_FILE",
        message: expect.stringContaining("absolute path"),
      }),
    ]);
    const absolute = checkConfig({
      ...production,
      RECLAIM_PROFILES_FILE: file,
      RECLAIM_DB_FILE: path.join(dir, "r.sqlite"),
      ...labKeys,
    });
    expect(absolute.problems).toEqual([]);
    // With PostgreSQL the SQLite file is not used, so its default does not matter; a webhooks
    // file, when named, must be absolute like the profiles file.
    const shared = checkConfig({
      ...production,
      RECLAIM_PROFILES_FILE: file,
      RECLAIM_DATABASE_URL: "postgres://reclaim:pw@db.internal:5432/reclaim",
      BETTER_AUTH_SECRET: "s".repeat(40),
      RECLAIM_WEBHOOKS_FILE: "webhooks.json",
      ...labKeys,
    });
    expect(shared.problems).toEqual([
      expect.objectContaining({ severity: "error", setting: "RECLAIM_WEBHOOKS_FILE", message: expect.stringContaining("absolute path") }),
    ]);
  });

  it("refuses an identity provider reached over plain HTTP on another machine", () => {
    const file = writeFile("profiles.json", JSON.stringify({ profiles: [profile()] }));
    const sso = {
      RECLAIM_PROFILES_FILE: file,
      RECLAIM_OIDC_CLIENT_ID: "reclaim",
      RECLAIM_OIDC_CLIENT_SECRET: "client-secret",
      RECLAIM_OIDC_ADMIN_GROUPS: "storage-admins",
      ...labKeys,
    };
    expect(checkConfig({ ...sso, RECLAIM_OIDC_ISSUER: "http://idp.example.com/realms/ops" }).problems).toEqual([
      expect.objectContaining({ severity: "error", setting: "RECLAIM_OIDC_ISSUER", message: expect.stringContaining("must be https://") }),
    ]);
    expect(checkConfig({ ...sso, RECLAIM_OIDC_ISSUER: "https://idp.example.com/realms/ops" }).problems).toEqual([]);
    expect(checkConfig({ ...sso, RECLAIM_OIDC_ISSUER: "http://127.0.0.1:8080/realms/ops" }).problems).toEqual([]);
  });

  it("never prints a secret, whatever is wrong", () => {
    const secrets = [
      keyFile.secretAccessKey,
      labKeys.LAB_SECRET,
      secret().slice(0, 20),
      secret().slice(0, 7),
    ];
    // A secrets file that is not JSON: the parser's own message would quote its text.
    writeFile(
      "broken-keys.json",
      `{"accessKeyId": "${keyFile.accessKeyId}", "secretAccessKey": ${keyFile.secretAccessKey}}`,
      0o644,
    );
    writeFile(
      "keys.json",
      JSON.stringify({ accessKeyId: keyFile.accessKeyId, secretAccesKey: keyFile.secretAccessKey }),
    );
    const report = check(
      [
        profile({ id: "broken", credentials: { file: "broken-keys.json" } }),
        profile({ id: "typo", credentials: { file: "keys.json" } }),
        profile({ id: "env" }),
      ],
      {
        BETTER_AUTH_SECRET: secrets[2],
        RECLAIM_ADMIN_PASSWORD: secrets[3],
        RECLAIM_ADMIN_EMAIL: "not-an-email",
      },
    );
    const text = formatConfigReport(report);
    expect(only(report.problems, "error").map((p) => p.setting)).toEqual(
      expect.arrayContaining([
        "BETTER_AUTH_SECRET",
        "RECLAIM_ADMIN_PASSWORD",
        "RECLAIM_ADMIN_EMAIL",
        "profiles[0].credentials.file (broken)",
        "profiles[1].credentials.file (typo)",
      ]),
    );
    expect(text).toMatch(/broken-keys\.json is not valid JSON at line 1, column \d+/);
    for (const value of secrets) {
      const width = Math.min(8, value.length);
      for (let i = 0; i + width <= value.length; i++)
        expect(text).not.toContain(value.slice(i, i + width));
    }
  });
});

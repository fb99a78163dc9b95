// The operators' view against the real gateway: /api/metrics (its route handler, called in
// process) reports what the raw SDK lists and what the ledger holds, a scrape sends no S3
// request (counted at a loopback proxy between the app and the gateway), promtool accepts the
// output and the example alert rules, and an abort leaves one JSON log line without secrets.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  PutBucketLifecycleConfigurationCommand,
} from "@aws-sdk/client-s3";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Profile } from "@/lib/profiles";
import type { UploadRef } from "@/lib/s3/types";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy";
import { readGateway, rawClient, repoRoot } from "../support/gateway";
import { countParts, listUploads } from "../support/sdk";
import { findSecrets, gatewaySecrets } from "../support/secrets";
import { createBucket, createUpload, removeBucket, uniqueName } from "./helpers";

// Before any app module reads its environment: our own database, profiles file and token.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-it-metrics-"));
const dbFile = path.join(scratch, "ledger.sqlite");
const TOKEN = "it-metrics-token-0123456789abcdef";
process.env.RECLAIM_DB_FILE = dbFile;
process.env.RECLAIM_PROFILES_FILE = path.join(scratch, "profiles.json");
process.env.RECLAIM_METRICS_TOKEN = TOKEN;
process.env.RECLAIM_INVENTORY_INTERVAL_MINUTES = "0";
process.env.RECLAIM_LOG_LEVEL = "info"; // the abort line is asserted below

const PROFILE_ID = "metrics-it";
/** The profile's prices: STANDARD has its own, anything else the default. */
const PRICE_STANDARD = 0.04;
const PRICE_DEFAULT = 0.05;
const GIB = 1024 ** 3;

const raw = rawClient("admin");
const bucket = uniqueName("it-metrics");
const actor = { id: "it-user", email: "it-metrics@reclaim.test" };
let proxy: FaultProxy;
let profile: Profile;
let route: typeof import("@/app/api/metrics/route");
let service: typeof import("@/lib/uploads/service");
let schedule: typeof import("@/lib/uploads/inventory-schedule");
let record: typeof import("@/lib/uploads/inventory-record");

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition format, one sample per line (comments skipped). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      if (key !== undefined && value !== undefined) labels[key] = value.replace(/\\(.)/g, "$1");
    }
    samples.push({ name: match[1] ?? "", labels, value: Number(match[3]) });
  }
  return samples;
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

function sumOf(samples: Sample[], name: string, labels: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}

function scrape(authorization?: string): Promise<Response> {
  const headers = authorization === undefined ? undefined : { authorization };
  return route.GET(new Request("http://127.0.0.1/api/metrics", { headers }));
}

function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync("promtool", args, { input, encoding: "utf8" });
  if (result.error) throw new Error(`promtool is missing (Debian package "prometheus"; scripts/test.sh installs it): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** What the raw SDK says the bucket holds now: per upload its parts' bytes and storage class. */
async function sdkTruth(): Promise<{ key: string; bytes: number; storageClass: string | undefined; initiated: Date | undefined }[]> {
  const listed = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  expect(listed.IsTruncated).toBeFalsy();
  const classes = new Map((listed.Uploads ?? []).map((u) => [u.UploadId, u.StorageClass]));
  const uploads = await listUploads(raw, bucket);
  return Promise.all(
    uploads.map(async (u) => ({ key: u.key, bytes: (await countParts(raw, u)).bytes, storageClass: classes.get(u.uploadId), initiated: u.initiated })),
  );
}

/** Runs the scheduled inventory of the profile until every listed upload's parts are counted. */
async function inventoryUntilSized(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await schedule.inventoryProfile(profile);
    const known = record.knownInventory(PROFILE_ID);
    if (known.rows.length > 0 && known.rows.every((row) => row.partsInfo)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the inventory never counted every upload's parts");
}

beforeAll(async () => {
  proxy = await startFaultProxy(readGateway().endpoint);
  const keys = readGateway().users.admin;
  fs.writeFileSync(path.join(scratch, "keys.json"), JSON.stringify({ accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }));
  fs.writeFileSync(
    process.env.RECLAIM_PROFILES_FILE ?? "",
    JSON.stringify({
      profiles: [
        {
          id: PROFILE_ID,
          label: "metrics test (through the proxy)",
          endpoint: proxy.url,
          credentials: { file: "keys.json" },
          buckets: [bucket],
          storagePrice: { currency: "USD", perGiBMonth: PRICE_DEFAULT, byStorageClass: { STANDARD: PRICE_STANDARD } },
        },
      ],
    }),
  );
  await createBucket(raw, bucket);
  // Uploads under covered/ are aborted by a lifecycle rule; the others by nothing.
  await raw.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: {
        Rules: [{ ID: "it-covered", Status: "Enabled", Filter: { Prefix: "covered/" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
      },
    }),
  );
  route = await import("@/app/api/metrics/route");
  service = await import("@/lib/uploads/service");
  schedule = await import("@/lib/uploads/inventory-schedule");
  record = await import("@/lib/uploads/inventory-record");
  profile = (await import("@/lib/profiles")).getProfile(PROFILE_ID);
});

afterAll(async () => {
  await removeBucket(raw, bucket);
  await proxy.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe("/api/metrics", () => {
  it("refuses a scrape without the token, or with a wrong one", async () => {
    for (const authorization of [undefined, "", `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Basic ${TOKEN}`]) {
      const response = await scrape(authorization);
      expect(response.status, String(authorization)).toBe(401);
      expect(await response.text()).not.toContain("reclaim_");
    }
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(200);
  });

  it("reports what the SDK lists and the ledger holds, and a scrape sends no S3 request", async () => {
    const uploads: Record<string, UploadRef> = {
      a: await createUpload(raw, bucket, "loose/a.bin", [5 * 1024, 3 * 1024]),
      b: await createUpload(raw, bucket, "loose/b.bin", []),
      c: await createUpload(raw, bucket, "covered/c.bin", [7 * 1024]),
      d: await createUpload(raw, bucket, "loose/d.bin", [2 * 1024]),
      e: await createUpload(raw, bucket, "loose/e.bin", [1024]),
    };
    // d: reclaimed through the app; e: gone before the app's abort (already-gone).
    expect((await service.abortUpload(profile, uploads.d!, actor)).outcome).toBe("reclaimed");
    await raw.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: uploads.e!.key, UploadId: uploads.e!.uploadId }));
    expect((await service.abortUpload(profile, uploads.e!, actor)).outcome).toBe("already-gone");
    await inventoryUntilSized();

    const truth = await sdkTruth();
    expect(truth.map((t) => t.key).sort()).toEqual(["covered/c.bin", "loose/a.bin", "loose/b.bin"]);

    const sentBefore = proxy.requests.length;
    let text = "";
    for (let i = 0; i < 3; i++) {
      const response = await scrape(`Bearer ${TOKEN}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      text = await response.text();
    }
    const scrapedAt = Date.now();
    expect(proxy.requests.length).toBe(sentBefore); // three scrapes, no S3 request

    const samples = parseExposition(text);
    const at = { profile: PROFILE_ID, bucket };
    const bytes = truth.reduce((sum, t) => sum + t.bytes, 0);
    expect(valueOf(samples, "reclaim_incomplete_uploads", at)).toBe(truth.length);
    expect(valueOf(samples, "reclaim_incomplete_upload_bytes", at)).toBe(bytes);
    expect(valueOf(samples, "reclaim_incomplete_uploads_unsized", at)).toBe(0);
    const oldest = Math.min(...truth.map((t) => t.initiated?.getTime() ?? Number.POSITIVE_INFINITY));
    expect(valueOf(samples, "reclaim_incomplete_upload_oldest_seconds", at)).toBeCloseTo((scrapedAt - oldest) / 1000, -1);
    const uncovered = truth.filter((t) => !t.key.startsWith("covered/")).reduce((sum, t) => sum + t.bytes, 0);
    expect(uncovered).toBeGreaterThan(0);
    expect(valueOf(samples, "reclaim_uncovered_bytes", at)).toBe(uncovered);
    const cost = truth.reduce((sum, t) => sum + (t.bytes / GIB) * (t.storageClass === "STANDARD" ? PRICE_STANDARD : PRICE_DEFAULT), 0);
    expect(valueOf(samples, "reclaim_incomplete_upload_cost_per_month", at)).toBeCloseTo(cost, 12);

    // The ledger, read straight from the database file.
    const db = new Database(dbFile, { readonly: true });
    try {
      const reclaimed = db.prepare("SELECT COALESCE(SUM(bytes_before), 0) FROM abort_attempt WHERE profile_id = ? AND outcome = 'reclaimed'").pluck().get(PROFILE_ID) as number;
      expect(reclaimed).toBe(2 * 1024);
      expect(valueOf(samples, "reclaim_reclaimed_bytes_total", { profile: PROFILE_ID })).toBe(reclaimed);
      const outcomes = db.prepare("SELECT outcome, COUNT(*) AS n FROM abort_attempt WHERE profile_id = ? GROUP BY outcome").all(PROFILE_ID) as { outcome: string; n: number }[];
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(["already-gone", "reclaimed"]);
      for (const { outcome, n } of outcomes) {
        expect(valueOf(samples, "reclaim_abort_attempts_total", { profile: PROFILE_ID, outcome }), outcome).toBe(n);
      }
    } finally {
      db.close();
    }

    // Every request the app sent went through the proxy, and was counted once.
    const counted = (operation: string) => sumOf(samples, "reclaim_s3_requests_total", { profile: PROFILE_ID, operation });
    for (const operation of ["ListMultipartUploads", "ListParts", "AbortMultipartUpload"] as const) {
      expect(counted(operation), operation).toBe(proxy.count(operation));
    }
    expect(proxy.count("ListParts")).toBeGreaterThan(0);
    expect(sumOf(samples, "reclaim_s3_requests_total", { profile: PROFILE_ID })).toBe(sentBefore);
    expect(sumOf(samples, "reclaim_s3_request_duration_seconds_count", { profile: PROFILE_ID })).toBe(sentBefore);
    // ListParts of the already-aborted upload answered NoSuchKey: an error result.
    expect(sumOf(samples, "reclaim_s3_requests_total", { profile: PROFILE_ID, operation: "ListParts", result: "error" })).toBeGreaterThan(0);

    const lastSuccess = valueOf(samples, "reclaim_inventory_last_success_timestamp_seconds", { profile: PROFILE_ID }) ?? 0;
    expect(scrapedAt / 1000 - lastSuccess).toBeGreaterThanOrEqual(0);
    expect(scrapedAt / 1000 - lastSuccess).toBeLessThan(60);
    expect(valueOf(samples, "reclaim_inventory_failed_buckets", { profile: PROFILE_ID })).toBe(0);
    expect(samples.some((s) => s.name === "process_cpu_seconds_total")).toBe(true);

    // promtool lints the same text a Prometheus server would scrape.
    const check = promtool(["check", "metrics"], text);
    expect(check.output).toBe("");
    expect(check.status).toBe(0);
  });

  it("the Grafana dashboard's queries parse and use only metrics Reclaim exports", async () => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(repoRoot, "docs/grafana/reclaim-dashboard.json"), "utf8")) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(dashboard.panels.length);
    // Grafana's variables as a query would see them; then each query as a recording rule for promtool.
    const rules = exprs.map((expr, i) => ({
      record: `reclaim_dashboard_query_${i}`,
      expr: expr.replaceAll("$profile", ".*").replaceAll("$__rate_interval", "5m"),
    }));
    const file = path.join(scratch, "dashboard-queries.yml");
    fs.writeFileSync(file, JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
    const check = promtool(["check", "rules", file]);
    expect(check.output).toContain(`SUCCESS: ${rules.length} rules found`);

    const exported = new Set([...(await (await scrape(`Bearer ${TOKEN}`)).text()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const used = new Set(exprs.flatMap((expr) => [...expr.matchAll(/\breclaim_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ""))));
    expect(used.size).toBeGreaterThanOrEqual(8);
    for (const name of used) expect(exported, name).toContain(name);
  });

  it("the example alert rules pass promtool", () => {
    const check = promtool(["check", "rules", path.join(repoRoot, "docs/prometheus/reclaim-alerts.yml")]);
    expect(check.output).toContain("SUCCESS: 2 rules found");
    expect(check.status).toBe(0);
  });
});

describe("logs", () => {
  it("an abort writes one JSON line with who, where and what, and no secret", async () => {
    const ref = await createUpload(raw, bucket, "logged/upload.bin", [4 * 1024]);
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    });
    try {
      expect((await service.abortUpload(profile, ref, actor)).outcome).toBe("reclaimed");
    } finally {
      spy.mockRestore();
    }
    const output = written.join("");
    const lines = output.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
    const aborts = lines.filter((line) => line.event === "abort" && line.uploadId === ref.uploadId);
    expect(aborts).toHaveLength(1);
    expect(aborts[0]).toMatchObject({
      level: "info",
      event: "abort",
      user: actor.email,
      profile: PROFILE_ID,
      bucket,
      key: ref.key,
      uploadId: ref.uploadId,
      outcome: "reclaimed",
      partsBefore: 1,
      bytesBefore: 4 * 1024,
    });
    expect(typeof aborts[0]?.time).toBe("string");
    expect(findSecrets(output, gatewaySecrets())).toEqual([]);
    expect(output).not.toMatch(/AWS4-HMAC-SHA256|Signature=|X-Amz-Signature/i);
  });
});

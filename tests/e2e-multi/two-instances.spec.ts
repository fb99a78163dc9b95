// Two dashboard instances behind no load balancer but sharing what a load balancer's
// instances share: one PostgreSQL database and one gateway. A session made on A works on
// B; a 500-upload bulk job started on A is watched and cancelled from B; another job's
// instance is killed (SIGKILL) mid-job and B finishes it once the lease expires. The
// ledger, the job and the SDK must agree afterwards: one final row per upload, the bytes
// ListParts reported, nothing left listed.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { expect, type Page, test } from "@playwright/test";
import pg from "pg";
import { createScratchDatabase, type ScratchDatabase } from "../support/database";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy";
import { instanceDir, profilesFile, rawClient, readGateway, repoRoot, testInstance } from "../support/gateway";
import { countParts, listUploads } from "../support/sdk";

const portA = Number(process.env.RECLAIM_E2E_PORT ?? 3100);
const portB = portA + 1;
const admin = { email: "admin@reclaim.test", password: `multi-${randomBytes(6).toString("hex")}` };
const bucket = `reclaim-multi-${randomBytes(3).toString("hex")}`;
const LEASE_MS = 3_000;
const raw = rawClient("admin");

interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
}

interface Seeded {
  bucket: string;
  key: string;
  uploadId: string;
  bytes: number;
}

let database: ScratchDatabase;
let sql: pg.Pool;
let proxy: FaultProxy;
let a: Instance;
let b: Instance;

function startInstance(name: string, port: number, env: Record<string, string>): Instance {
  const log = fs.openSync(path.join(instanceDir, `multi-${name}.log`), "w");
  const child = spawn("bash", [path.join(repoRoot, "scripts/serve.sh"), "-H", "127.0.0.1", "-p", String(port)], {
    cwd: repoRoot,
    env: { ...process.env, ...env, BETTER_AUTH_URL: `http://127.0.0.1:${port}` },
    stdio: ["ignore", log, log],
  });
  return { name, url: `http://127.0.0.1:${port}`, child };
}

async function healthy(instance: Instance, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (instance.child.exitCode !== null) throw new Error(`instance ${instance.name} exited (${instance.child.exitCode}); see multi-${instance.name}.log`);
    const ok = await fetch(`${instance.url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`instance ${instance.name} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `n` uploads of one part each (sizes differ), created a few at a time. */
async function seed(prefix: string, n: number): Promise<Seeded[]> {
  const made: Seeded[] = [];
  for (let start = 0; start < n; start += 16) {
    const batch = Array.from({ length: Math.min(16, n - start) }, (_, i) => start + i);
    made.push(
      ...(await Promise.all(
        batch.map(async (i) => {
          const key = `${prefix}${String(i).padStart(4, "0")}.bin`;
          const created = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
          const uploadId = created.UploadId ?? "";
          const size = 1_000 + i;
          await raw.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 1, Body: randomBytes(size) }));
          return { bucket, key, uploadId, bytes: size };
        }),
      )),
    );
  }
  return made;
}

/** What ListParts reports now for each upload (bytes), straight from the SDK. */
async function listPartsBytes(uploads: Seeded[]): Promise<Map<string, number>> {
  const bytes = new Map<string, number>();
  for (const u of uploads) bytes.set(u.uploadId, (await countParts(raw, u)).bytes);
  return bytes;
}

async function jobRow(id: string) {
  const { rows } = await sql.query<{ status: string; runner_id: string; done: string; total: string }>(
    "SELECT status, runner_id, done, total FROM bulk_job WHERE id = $1",
    [id],
  );
  if (!rows[0]) throw new Error(`no job ${id}`);
  return { ...rows[0], done: Number(rows[0].done), total: Number(rows[0].total) };
}

async function ledgerOf(jobId: string) {
  const { rows } = await sql.query<{ upload_id: string; outcome: string; bytes_before: string }>(
    "SELECT upload_id, outcome, bytes_before FROM abort_attempt WHERE job_id = $1 ORDER BY id",
    [jobId],
  );
  return rows.map((r) => ({ uploadId: r.upload_id, outcome: r.outcome, bytes: Number(r.bytes_before) }));
}

async function itemStates(jobId: string): Promise<Map<string, string>> {
  const { rows } = await sql.query<{ upload_id: string; state: string }>("SELECT upload_id, state FROM bulk_job_item WHERE job_id = $1", [jobId]);
  return new Map(rows.map((r) => [r.upload_id, r.state]));
}

/** Starts a bulk job over `prefix` through A's page; returns its id. */
async function startJobOn(page: Page, instance: Instance, prefix: string, n: number): Promise<string> {
  await page.goto(`${instance.url}/bulk?profile=local&bucket=${bucket}&q=${encodeURIComponent(prefix)}`);
  await page.getByRole("button", { name: "Preview", exact: true }).click();
  // Just written to: they look active; included on purpose.
  await page.getByRole("checkbox", { name: `Include the ${n} active uploads in the job` }).check({ timeout: 120_000 });
  await expect(page.getByTestId("dry-run").getByTestId("dry-run-count")).toHaveText(String(n));
  await page.getByRole("button", { name: `Abort ${n} uploads…` }).click();
  const dialog = page.getByRole("dialog", { name: `Abort ${n} uploads?` });
  await dialog.getByLabel(`Type ${n} to confirm`).fill(String(n));
  await dialog.getByRole("button", { name: `Abort ${n} uploads`, exact: true }).click();
  await expect(page).toHaveURL(/[?&]job=[0-9a-f-]{36}/);
  const id = new URL(page.url()).searchParams.get("job");
  if (!id) throw new Error("no job id in the URL");
  return id;
}

async function progressOf(page: Page): Promise<number> {
  return Number(await page.getByTestId("job-view").getByRole("progressbar").getAttribute("aria-valuenow"));
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  readGateway(); // refuses a non-loopback endpoint
  execFileSync("bash", [path.join(repoRoot, "scripts/postgres.sh"), "start", testInstance], { stdio: "inherit" });
  const server = execFileSync("bash", [path.join(repoRoot, "scripts/postgres.sh"), "url", testInstance], { encoding: "utf8" }).trim();
  database = await createScratchDatabase("multi", server);
  sql = new pg.Pool({ connectionString: database.location, max: 2 });

  await raw.send(new CreateBucketCommand({ Bucket: bucket }));
  // Aborts are slowed down a little, so a job of hundreds of uploads runs long enough to
  // be watched, cancelled and killed; every other request passes straight through.
  proxy = await startFaultProxy(readGateway().endpoint);
  proxy.addFault({ match: "AbortMultipartUpload", action: { type: "delay", ms: 150 } });
  const profiles = JSON.parse(fs.readFileSync(profilesFile, "utf8")) as { profiles: { id: string; endpoint: string }[] };
  const local = profiles.profiles.find((p) => p.id === "local");
  if (!local) throw new Error("no local profile");
  local.endpoint = proxy.url;
  const multiProfiles = path.join(instanceDir, "multi-profiles.json");
  fs.writeFileSync(multiProfiles, JSON.stringify({ profiles: [local] }), { mode: 0o600 });

  const env = {
    RECLAIM_DATABASE_URL: database.location,
    BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
    RECLAIM_PROFILES_FILE: multiProfiles,
    RECLAIM_ADMIN_EMAIL: admin.email,
    RECLAIM_ADMIN_PASSWORD: admin.password,
    RECLAIM_JOB_LEASE_MS: String(LEASE_MS),
    RECLAIM_REFRESH_MS: "2000",
  };
  // Both at once: one creates the schema and the first admin, the other waits for it.
  a = startInstance("a", portA, env);
  b = startInstance("b", portB, env);
  await Promise.all([healthy(a), healthy(b)]);
});

test.afterAll(async () => {
  for (const instance of [a, b]) {
    if (instance?.child.exitCode === null) instance.child.kill("SIGTERM");
  }
  await proxy?.close();
  for (const u of await listUploads(raw, bucket).catch(() => [])) {
    await raw.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.key, UploadId: u.uploadId })).catch(() => undefined);
  }
  await raw.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  await sql?.end();
  await new Promise((resolve) => setTimeout(resolve, 500)); // the instances' connections close
  await database?.drop();
});

test("a session, a watched and cancelled job, and a killed instance's job across two instances", async ({ browser }) => {
  const context = await browser.newContext();
  const pageA = await context.newPage();
  const pageB = await context.newPage();

  await test.step("a session made on A is a session on B", async () => {
    await pageB.goto(`${b.url}/`);
    await expect(pageB).toHaveURL(/\/login/);
    await pageA.goto(`${a.url}/login`);
    await pageA.getByLabel("Email").fill(admin.email);
    await pageA.getByLabel("Password").fill(admin.password);
    await pageA.getByRole("button", { name: "Sign in" }).click();
    await pageA.waitForURL((url) => url.pathname === "/");
    // The cookie A set is sent to B (same host); B finds the session in the shared database.
    await pageB.goto(`${b.url}/bulk`);
    await expect(pageB).toHaveURL(`${b.url}/bulk`);
    await expect(pageB.getByRole("button", { name: "Sign out" })).toBeVisible();
    const session = (await (await pageB.request.get(`${b.url}/api/auth/get-session`)).json()) as { user?: { email?: string } } | null;
    expect(session?.user?.email).toBe(admin.email);
  });

  const toCancel = await seed("cancel/", 500);
  const toKill = await seed("kill/", 300);

  await test.step("a 500-upload job started on A, watched on B and cancelled from B", async () => {
    const before = await listPartsBytes(toCancel);
    const jobId = await startJobOn(pageA, a, "cancel/", 500);
    await pageB.goto(`${b.url}/bulk?profile=local&job=${jobId}`);
    const view = pageB.getByTestId("job-view");
    await expect(view.getByRole("progressbar")).toHaveAttribute("aria-valuemax", "500");
    // B sees A's progress move.
    await expect.poll(() => progressOf(pageB), { timeout: 60_000 }).toBeGreaterThan(0);
    const seen = await progressOf(pageB);
    await expect.poll(() => progressOf(pageB), { timeout: 60_000 }).toBeGreaterThan(seen);
    await view.getByRole("button", { name: "Cancel job" }).click();
    await expect(view.getByTestId("job-status")).toHaveText("Cancelled", { timeout: 60_000 });
    await pageA.reload();
    await expect(pageA.getByTestId("job-view").getByTestId("job-status")).toHaveText("Cancelled");

    const states = await itemStates(jobId);
    const skipped = toCancel.filter((u) => states.get(u.uploadId) === "skipped");
    const reclaimed = toCancel.filter((u) => states.get(u.uploadId) === "reclaimed");
    expect(skipped.length).toBeGreaterThan(0);
    expect(reclaimed.length).toBeGreaterThan(0);
    expect(skipped.length + reclaimed.length).toBe(500);
    // Untouched: the SDK lists exactly the skipped ones.
    const left = (await listUploads(raw, bucket, "cancel/")).map((u) => u.uploadId).sort();
    expect(left).toEqual(skipped.map((u) => u.uploadId).sort());
    // One reclaimed row per aborted upload with the bytes ListParts reported; none for the skipped.
    const rows = await ledgerOf(jobId);
    expect(rows.map((r) => r.uploadId).sort()).toEqual(reclaimed.map((u) => u.uploadId).sort());
    expect(rows.every((r) => r.outcome === "reclaimed" && r.bytes === before.get(r.uploadId))).toBe(true);
  });

  await test.step("A is killed mid-job; B takes the job over after the lease expires and finishes it", async () => {
    const before = await listPartsBytes(toKill);
    const jobId = await startJobOn(pageA, a, "kill/", 300);
    await expect.poll(async () => (await jobRow(jobId)).done, { timeout: 60_000 }).toBeGreaterThanOrEqual(30);
    const owner = (await jobRow(jobId)).runner_id;
    a.child.kill("SIGKILL");
    await new Promise((resolve) => a.child.once("exit", resolve));
    expect((await jobRow(jobId)).done).toBeLessThan(300);
    // Aborts A had in flight when it died: intent written, no outcome.
    const inFlight = new Set((await ledgerOf(jobId)).filter((r) => r.outcome === "unknown").map((r) => r.uploadId));

    await pageB.goto(`${b.url}/bulk?profile=local&job=${jobId}`);
    await expect(pageB.getByTestId("job-view").getByTestId("job-status")).toHaveText("Done", { timeout: 120_000 });
    const job = await jobRow(jobId);
    expect(job).toMatchObject({ status: "done", done: 300 });
    expect(job.runner_id).not.toBe(owner);

    // Exactly one final row per upload, each with the bytes ListParts reported before.
    const rows = await ledgerOf(jobId);
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((r) => r.uploadId))).toEqual(new Set(toKill.map((u) => u.uploadId)));
    // Reclaimed — except an abort A had already sent whose upload B then found gone: nothing
    // proves which abort removed it (A's verification died with A), so the ledger says "gone
    // (cause unknown)" and does not count it, as for any verification lost. Only A's in-flight
    // aborts can end that way.
    for (const r of rows.filter((row) => row.outcome !== "reclaimed")) {
      expect(r.outcome).toBe("gone-unknown");
      expect(inFlight.has(r.uploadId)).toBe(true);
    }
    for (const r of rows) expect(r.bytes).toBe(before.get(r.uploadId));
    const total = [...before.values()].reduce((sum, n) => sum + n, 0);
    expect(rows.reduce((sum, r) => sum + r.bytes, 0)).toBe(total);
    // The SDK lists none of the job's uploads.
    expect(await listUploads(raw, bucket, "kill/")).toEqual([]);
  });

  await context.close();
});

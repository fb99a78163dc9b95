/*
 * bench/instances-bench.ts — section "instances" (issue #18's bench row): bulk abort
 * throughput of two dashboard instances sharing one PostgreSQL database, each running a
 * job over half the uploads at the app's job concurrency, against one instance on SQLite
 * running one job over all of them. Every instance is its own process
 * (bench/bulk-instance.ts) with its own runner and database connection; PostgreSQL is the
 * private cluster of scripts/postgres.sh (instance "bench"), in a scratch database.
 * The rate is uploads over the wall time from the jobs' common start to the last one's end.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { DEFAULT_JOB_CONCURRENCY } from "@/lib/jobs/runner";
import { seedAbortable } from "./abort";
import { type BenchContext, countListed, createBuckets, deleteBuckets, INSTANCE, type SeededUpload } from "./gateway";
import { type BenchRow, OUT_DIR, REPO } from "./report";
import { rateRow } from "./rows";

const SECTION = "instances";
/** Two instances must not lose throughput against one; below this the row is a MISS. */
const TARGET = 0.9;

interface Share {
  profileId: string;
  bucket: string;
  uploads: SeededUpload[];
}

interface Finished {
  start: number;
  end: number;
  status: string;
  reclaimed: number;
  bytesReclaimed: number;
}

function postgresScript(command: string): string {
  return execFileSync("bash", [path.join(REPO, "scripts/postgres.sh"), command, INSTANCE], { encoding: "utf8" }).trim();
}

function postgresRunning(): boolean {
  try {
    postgresScript("status");
    return true;
  } catch {
    return false; // exit 3: stopped
  }
}

/**
 * A scratch database on the bench cluster; returns its URL and how to drop it (which also
 * stops the cluster when this bench started it).
 */
async function scratchPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const wasRunning = postgresRunning();
  postgresScript("start");
  const server = postgresScript("url");
  const name = `reclaim_bench_${randomBytes(4).toString("hex")}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const drop = async () => {
    try {
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      if (!wasRunning) postgresScript("stop");
    }
  };
  return { url: url.toString(), drop };
}

function readLine(child: ChildProcess, lines: readline.Interface): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onLine = (line: string) => {
      try {
        const value = JSON.parse(line) as Record<string, unknown>;
        // The app's own JSON log lines share stdout (lib/log.ts): not the protocol's.
        if (value.app === "reclaim" && "msg" in value) return;
        cleanup();
        resolve(value);
      } catch (error) {
        cleanup();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`a bench instance exited with ${code}`));
    };
    const cleanup = () => {
      lines.off("line", onLine);
      child.off("exit", onExit);
    };
    lines.on("line", onLine);
    child.once("exit", onExit);
  });
}

/** One process per share; all dry-run first, then their jobs start together. Wall seconds. */
async function runInstances(ctx: BenchContext, shares: Share[], env: Record<string, string>): Promise<{ seconds: number; results: Finished[] }> {
  const profilesFile = path.join(OUT_DIR, `instances-profiles-${process.pid}.json`);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const profiles = shares.map((s) => ({
    id: s.profileId,
    label: s.profileId,
    endpoint: ctx.gateway.endpoint,
    region: ctx.gateway.region,
    forcePathStyle: true,
    credentials: { env: { accessKeyId: "BENCH_ACCESS_KEY", secretAccessKey: "BENCH_SECRET_KEY" } },
  }));
  fs.writeFileSync(profilesFile, JSON.stringify({ profiles }), { mode: 0o600 });
  const children = shares.map((share) => {
    const child = spawn(
      path.join(REPO, "node_modules/.bin/tsx"),
      ["--conditions=react-server", path.join(REPO, "bench/bulk-instance.ts"), share.profileId, share.bucket, String(share.uploads.length)],
      {
        cwd: REPO,
        env: {
          ...process.env,
          ...env,
          RECLAIM_PROFILES_FILE: profilesFile,
          // One log line per abort would be most of the pipe; warnings and errors still come.
          RECLAIM_LOG_LEVEL: "warn",
          BENCH_ACCESS_KEY: ctx.gateway.users.admin.accessKeyId,
          BENCH_SECRET_KEY: ctx.gateway.users.admin.secretAccessKey,
        },
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    if (!child.stdout) throw new Error("no stdout");
    return { child, lines: readline.createInterface({ input: child.stdout }) };
  });
  try {
    await Promise.all(children.map(({ child, lines }) => readLine(child, lines)));
    const finished = children.map(({ child, lines }) => readLine(child, lines));
    for (const { child } of children) child.stdin?.write("go\n");
    const results = (await Promise.all(finished)) as unknown as Finished[];
    const start = Math.min(...results.map((r) => r.start));
    const end = Math.max(...results.map((r) => r.end));
    return { seconds: (end - start) / 1000, results };
  } finally {
    for (const { child, lines } of children) {
      lines.close();
      if (child.exitCode === null) child.kill("SIGTERM");
    }
    fs.rmSync(profilesFile, { force: true });
  }
}

/** Every share's job done, every upload reclaimed with its bytes, nothing left; else why not. */
async function problemOf(ctx: BenchContext, shares: Share[], results: Finished[]): Promise<string | null> {
  for (const [i, share] of shares.entries()) {
    const result = results[i];
    const bytes = share.uploads.reduce((sum, u) => sum + u.bytes, 0);
    const left = await countListed(ctx, share.bucket);
    if (result?.status !== "done" || result.reclaimed !== share.uploads.length || result.bytesReclaimed !== bytes || left > 0) {
      return `${share.profileId}: ${JSON.stringify(result)}, ${bytes} bytes seeded, ${left} uploads still listed`;
    }
  }
  return null;
}

export async function runInstancesBench(ctx: BenchContext): Promise<BenchRow[]> {
  const n = ctx.options.bulk;
  const half = Math.floor(n / 2);
  const C = DEFAULT_JOB_CONCURRENCY;
  const [oneBucket = "", aBucket = "", bBucket = ""] = await createBuckets(ctx, "instances", 3);
  const sqliteFile = path.join(OUT_DIR, `instances-${process.pid}.sqlite`);
  const postgres = await scratchPostgres();
  try {
    const one: Share[] = [{ profileId: "bench-one", bucket: oneBucket, uploads: await seedAbortable(ctx, [oneBucket], n, "instances-one") }];
    const single = await runInstances(ctx, one, { RECLAIM_DB_FILE: sqliteFile });
    const singleProblem = await problemOf(ctx, one, single.results);

    const two: Share[] = [
      { profileId: "bench-a", bucket: aBucket, uploads: await seedAbortable(ctx, [aBucket], half, "instances-a") },
      { profileId: "bench-b", bucket: bBucket, uploads: await seedAbortable(ctx, [bBucket], n - half, "instances-b") },
    ];
    const pair = await runInstances(ctx, two, {
      RECLAIM_DATABASE_URL: postgres.url,
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
    });
    const pairProblem = await problemOf(ctx, two, pair.results);
    const ratio = single.seconds / pair.seconds;
    const pairRow = rateRow(
      {
        section: SECTION,
        operation: `2 instances on PostgreSQL, a job of ${half} each, c=${C} each`,
        n,
        seconds: pair.seconds,
        note:
          pairProblem ??
          (ratio < TARGET
            ? "both instances and the gateway share this machine's 2 cores: the gateway is CPU-bound, so twice the aborts in flight wait on it rather than finishing sooner, and PostgreSQL's round trips cost more than SQLite's in-process writes"
            : undefined),
      },
      { ratio, baseline: "1 instance on SQLite", min: TARGET },
    );
    if (pairProblem) pairRow.pass = false;
    const singleRow = rateRow({
      section: SECTION,
      operation: `1 instance on SQLite, one job, c=${C}`,
      n,
      seconds: single.seconds,
      ...(singleProblem ? { note: singleProblem } : {}),
    });
    if (singleProblem) singleRow.pass = false;
    return [singleRow, pairRow];
  } finally {
    await deleteBuckets(ctx, [oneBucket, aBucket, bBucket]);
    await postgres.drop();
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${sqliteFile}${suffix}`, { force: true });
  }
}

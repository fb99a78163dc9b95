/*
 * bench/next-server.ts — a production build of the app in its own dist dir, served on a
 * chosen port against one gateway instance the way every start path serves it
 * (scripts/serve.sh), and the memory of the process that actually serves it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO } from "./report";

const BUILD_SCRIPT = path.join(REPO, "scripts/build.sh");
const SERVE_SCRIPT = path.join(REPO, "scripts/serve.sh");

/** The standalone build into distDir, as every build path makes it (scripts/build.sh). */
export function buildApp(distDir: string): void {
  execFileSync("bash", [BUILD_SCRIPT], {
    cwd: REPO,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, RECLAIM_DIST_DIR: distDir },
  });
}

/** Whether distDir holds a standalone build that serve.sh can start. */
export function hasBuild(distDir: string): boolean {
  return fs.existsSync(path.join(REPO, distDir, "standalone", "serve.sh"));
}

export interface RunningServer {
  url: string;
  /** The process listening on the port (the one whose memory is the server's). */
  pid: number;
  stop: () => Promise<void>;
}

export interface ServerOptions {
  distDir: string;
  port: number;
  /** The gateway instance: its profiles.json is served; the database lives beside it. */
  instanceDir: string;
  admin: { email: string; password: string };
  refreshMs: number;
}

/** Pid of the process listening on 127.0.0.1:port, from `ss -ltnp`; null when none. */
function listenerPid(port: number): number | null {
  const out = execFileSync("ss", ["-Hltnp", `( sport = :${port} )`], { encoding: "utf8" });
  const match = /pid=(\d+)/.exec(out);
  return match ? Number(match[1]) : null;
}

function portTaken(port: number): boolean {
  return execFileSync("ss", ["-Hltn", `( sport = :${port} )`], { encoding: "utf8" }).trim() !== "";
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const healthy = await fetch(`${url}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs / 1000} s`);
}

/** Starts the server with a fresh database (its first admin comes from env). */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { port, instanceDir } = options;
  if (portTaken(port)) throw new Error(`port ${port} is already in use: pick another`);
  const dbFile = path.join(instanceDir, "bench-browser.sqlite");
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${dbFile}${suffix}`, { force: true });
  const url = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(instanceDir, "bench-server.log"), "w");
  // Its own process group, so stop() ends the server and anything it forked, by group id.
  const child = spawn("bash", [SERVE_SCRIPT, "-H", "127.0.0.1", "-p", String(port)], {
    cwd: REPO,
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      RECLAIM_DIST_DIR: options.distDir,
      RECLAIM_PROFILES_FILE: path.join(instanceDir, "profiles.json"),
      RECLAIM_DB_FILE: dbFile,
      BETTER_AUTH_URL: url,
      RECLAIM_ADMIN_EMAIL: options.admin.email,
      RECLAIM_ADMIN_PASSWORD: options.admin.password,
      RECLAIM_REFRESH_MS: String(options.refreshMs),
    },
  });
  fs.closeSync(log);
  const groupId = child.pid;
  if (groupId === undefined) throw new Error("the server did not spawn");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-groupId, "SIGTERM");
    const killer = setTimeout(() => process.kill(-groupId, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    await waitForHealth(url, child, 120_000);
    const pid = listenerPid(port);
    if (pid === null) throw new Error(`nothing listens on port ${port}`);
    // The listener must be ours: the server itself or a process it forked.
    if (pid !== groupId && processGroup(pid) !== groupId)
      throw new Error(`port ${port} is served by pid ${pid}, not by the server started here`);
    return { url, pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function processGroup(pid: number): number {
  // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so split after ")".
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

/** Peak and current resident memory of a process, bytes (VmHWM / VmRSS). */
export function memoryOf(pid: number): { peakRss: number; rss: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { peakRss: kib("VmHWM") * 1024, rss: kib("VmRSS") * 1024 };
}

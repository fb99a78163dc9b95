// A second production server for tests that need their own database or configuration
// (a fresh ledger where the first admin is the only one, a different public URL, trusted
// proxies): the same build the e2e suite serves, started the way every start path starts it
// (scripts/serve.sh), on a free loopback port. Stopped by its process group, never by name.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { instanceDir, repoRoot } from "./gateway";

export interface AppServer {
  /** Where the test reaches it: http://127.0.0.1:<port>. */
  url: string;
  /** The configured public URL (BETTER_AUTH_URL); requests send it as their Origin. */
  publicUrl: string;
  dir: string;
  dbFile: string;
  profilesFile: string;
  admin: { email: string; password: string };
  /** Everything the server printed so far. */
  log: () => string;
  stop: () => Promise<void>;
}

export interface AppServerOptions {
  /** BETTER_AUTH_URL; default the server's own loopback URL. null: not set at all. */
  publicUrl?: string | null;
  env?: Record<string, string>;
  /** A port chosen beforehand (e.g. registered with an identity provider); default a free one. */
  port?: number;
}

/** A free loopback port (for a server, or to register with an identity provider first). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function spawnServer(port: number, env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const log = fs.openSync(logFile, "w");
  const child = spawn("bash", [path.join(repoRoot, "scripts/serve.sh"), "-H", "127.0.0.1", "-p", String(port)], {
    cwd: repoRoot,
    detached: true, // its own process group: stop() ends it and anything it forked
    stdio: ["ignore", log, log],
    env,
  });
  fs.closeSync(log);
  return child;
}

function stopper(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  return async () => {
    const group = child.pid;
    if (group !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-group, "SIGTERM");
      } catch {
        // already gone
      }
      const killer = setTimeout(() => {
        try {
          process.kill(-group, "SIGKILL");
        } catch {
          // already gone
        }
      }, 10_000);
      await exited;
      clearTimeout(killer);
    }
    await exited;
  };
}

function prepare(options: AppServerOptions, port: number) {
  const dir = fs.mkdtempSync(path.join(instanceDir, "fresh-"));
  const profilesFile = path.join(dir, "profiles.json");
  fs.copyFileSync(path.join(instanceDir, "profiles.json"), profilesFile);
  const url = `http://127.0.0.1:${port}`;
  const publicUrl = options.publicUrl === undefined ? url : options.publicUrl;
  const admin = { email: "first-admin@reclaim.test", password: "first-admin-password" };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    RECLAIM_PROFILES_FILE: profilesFile,
    RECLAIM_DB_FILE: path.join(dir, "reclaim.sqlite"),
    RECLAIM_ADMIN_EMAIL: admin.email,
    RECLAIM_ADMIN_PASSWORD: admin.password,
    BETTER_AUTH_URL: publicUrl ?? undefined,
    ...options.env,
  };
  if (publicUrl === null) delete env.BETTER_AUTH_URL;
  return { dir, profilesFile, url, publicUrl, admin, env, dbFile: path.join(dir, "reclaim.sqlite"), logFile: path.join(dir, "server.log") };
}

/** Starts a server with a fresh database; resolves once /api/health answers. */
export async function startAppServer(options: AppServerOptions = {}): Promise<AppServer> {
  const port = options.port ?? (await freePort());
  const p = prepare(options, port);
  const child = spawnServer(port, p.env, p.logFile);
  const stop = stopper(child);
  const log = () => fs.readFileSync(p.logFile, "utf8");
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${log()}`);
    const healthy = await fetch(`${p.url}/api/health`).then((r) => r.ok, () => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer within 120 s:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url: p.url, publicUrl: p.publicUrl ?? p.url, dir: p.dir, dbFile: p.dbFile, profilesFile: p.profilesFile, admin: p.admin, log, stop };
}

/**
 * Starts a server that is expected to refuse to start. Resolves with its exit code and output
 * once it exits, or with `exitCode: null` if it is still running (serving) after `waitMs`.
 */
export async function startExpectingRefusal(options: AppServerOptions, waitMs = 60_000): Promise<{ exitCode: number | null; output: string; served: boolean }> {
  const port = await freePort();
  const p = prepare(options, port);
  const child = spawnServer(port, p.env, p.logFile);
  const stop = stopper(child);
  const deadline = Date.now() + waitMs;
  let served = false;
  while (child.exitCode === null && Date.now() < deadline) {
    served = await fetch(`${p.url}/api/health`).then((r) => r.ok, () => false);
    if (served) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const exitCode = child.exitCode;
  await stop();
  return { exitCode, output: fs.readFileSync(p.logFile, "utf8"), served };
}

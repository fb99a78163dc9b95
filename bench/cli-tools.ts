/*
 * bench/cli-tools.ts — the command-line tools admins script today (Debian `awscli`, `s3cmd`,
 * `rclone`, installed by scripts/bench.sh), configured for the bench gateway, and section
 * "cli": inventory the way admins do it with them, compared with Reclaim's inventory.
 *
 *   aws-cli: `aws s3api list-multipart-uploads` per bucket + `aws s3api list-parts` per upload
 *   s3cmd:   `s3cmd multipart s3://b` per bucket + `s3cmd listmp s3://b/key id` per upload
 *
 * One process per call is what makes these loops slow, so the per-upload calls run over a
 * fixed sample and are extrapolated; the per-bucket listing runs in full. Each answer is
 * checked against what was seeded, so a fast but wrong tool cannot win.
 *
 * The tools' config lives in a temp dir and each runs with a minimal environment whose HOME
 * is that dir: ~/.aws, ~/.s3cfg and ~/.config/rclone are never read or written, and
 * AWS_CA_BUNDLE is not passed (rclone 1.60 refuses to start when it is set).
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { BenchContext, SeededUpload } from "./gateway";
import type { InventoryPool } from "./inventory";
import type { BenchRow } from "./report";
import { rateRow } from "./rows";

const run = promisify(execFile);
/** Debian's packages, by absolute path: an older aws-cli may come first on PATH. */
const AWS = "/usr/bin/aws";
const S3CMD = "/usr/bin/s3cmd";
const RCLONE = "/usr/bin/rclone";
const AWS_CLI_TARGET = 20;
/** The rclone remote's name in its config file. */
export const RCLONE_REMOTE = "bench";

export interface CliTools {
  aws: (args: string[]) => Promise<string>;
  s3cmd: (args: string[]) => Promise<string>;
  rclone: (args: string[]) => Promise<string>;
  dispose: () => void;
}

/** Writes the three tools' config files for the gateway and returns runners for them. */
export function setUpCliTools(ctx: BenchContext): CliTools {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reclaim-bench-cli-"));
  const { accessKeyId, secretAccessKey } = ctx.gateway.users.admin;
  const endpoint = new URL(ctx.gateway.endpoint);
  const file = (name: string, lines: string[]) => {
    const full = path.join(dir, name);
    fs.writeFileSync(full, `${lines.join("\n")}\n`, { mode: 0o600 });
    return full;
  };
  const awsConfig = file("aws-config", [
    "[default]",
    `region = ${ctx.gateway.region}`,
    "s3 =",
    "    addressing_style = path",
  ]);
  const awsCredentials = file("aws-credentials", [
    "[default]",
    `aws_access_key_id = ${accessKeyId}`,
    `aws_secret_access_key = ${secretAccessKey}`,
  ]);
  const s3cfg = file("s3cfg", [
    "[default]",
    `access_key = ${accessKeyId}`,
    `secret_key = ${secretAccessKey}`,
    `host_base = ${endpoint.host}`,
    `host_bucket = ${endpoint.host}`,
    `use_https = ${endpoint.protocol === "https:" ? "True" : "False"}`,
    "signature_v2 = False",
  ]);
  const rcloneConf = file("rclone.conf", [
    `[${RCLONE_REMOTE}]`,
    "type = s3",
    "provider = Ceph",
    `access_key_id = ${accessKeyId}`,
    `secret_access_key = ${secretAccessKey}`,
    `endpoint = ${ctx.gateway.endpoint}`,
    `region = ${ctx.gateway.region}`,
    "force_path_style = true",
  ]);
  const env = {
    PATH: "/usr/bin:/bin",
    HOME: dir,
    LANG: "C.UTF-8",
    AWS_CONFIG_FILE: awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: awsCredentials,
    AWS_PAGER: "",
    NODE_ENV: process.env.NODE_ENV, // typed as required by Next's env typings; unused by the tools
  };
  const runner = (command: string, fixed: string[]) => async (args: string[]) => {
    const { stdout } = await run(command, [...fixed, ...args], {
      env,
      cwd: dir,
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  };
  return {
    aws: runner(AWS, ["--endpoint-url", ctx.gateway.endpoint, "--output", "json"]),
    s3cmd: runner(S3CMD, ["-c", s3cfg]),
    rclone: runner(RCLONE, ["--config", rcloneConf]),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `fn` over the items one after another, as a shell loop does; total seconds. */
export async function timeLoop<T>(items: readonly T[], fn: (item: T) => Promise<void>) {
  const started = performance.now();
  for (const item of items) await fn(item);
  return (performance.now() - started) / 1000;
}

export function s3Uri(upload: SeededUpload): string {
  return `s3://${upload.bucket}/${upload.key}`;
}

// ---------------------------------------------------------------- parsing the tools' answers

function awsUploadCount(json: string): number {
  return ((JSON.parse(json) as { Uploads?: unknown[] }).Uploads ?? []).length;
}

function awsParts(json: string): { parts: number; bytes: number } {
  const sizes = ((JSON.parse(json) as { Parts?: { Size?: number }[] }).Parts ?? []).map(
    (p) => p.Size ?? 0,
  );
  return { parts: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}

/** `s3cmd multipart`: a header, then "initiated \t s3://bucket/key \t id" per upload. */
function s3cmdUploadCount(text: string): number {
  return text.split("\n").filter((line) => line.split("\t")[1]?.startsWith("s3://")).length;
}

/** `s3cmd listmp`: a header, then "last-modified \t number \t etag \t size" per part. */
function s3cmdParts(text: string): { parts: number; bytes: number } {
  const sizes = text
    .split("\n")
    .map((line) => line.split("\t"))
    .filter((cells) => cells.length >= 4 && /^\d+$/.test(cells[1] ?? ""))
    .map((cells) => Number(cells.at(-1)));
  return { parts: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}

// ---------------------------------------------------------------- section "cli"

interface ToolInventory {
  name: string;
  listUploads: (bucket: string) => Promise<number>;
  listParts: (upload: SeededUpload) => Promise<{ parts: number; bytes: number }>;
  target?: number;
}

async function measureTool(
  tool: ToolInventory,
  pool: InventoryPool,
  sample: readonly SeededUpload[],
  reclaimSeconds: number,
): Promise<BenchRow> {
  let listed = 0;
  const listSeconds = await timeLoop(pool.buckets, async (bucket) => {
    listed += await tool.listUploads(bucket);
  });
  const wrong: string[] = [];
  const partsSeconds = await timeLoop(sample, async (upload) => {
    const seen = await tool.listParts(upload);
    if (seen.parts !== upload.parts || seen.bytes !== upload.bytes)
      wrong.push(`${upload.key}: ${seen.parts} parts/${seen.bytes} B`);
  });
  const n = pool.uploads.length;
  if (listed !== n || wrong.length > 0)
    throw new Error(
      `${tool.name} disagrees with the seed: listed ${listed} of ${n}; ${wrong.slice(0, 3).join("; ")}`,
    );
  const perUpload = partsSeconds / sample.length;
  const seconds = listSeconds + n * perUpload;
  console.log(
    `  ${tool.name}: ${pool.buckets.length} listings in ${listSeconds.toFixed(1)} s, ${sample.length} part listings at ${perUpload.toFixed(2)} s each`,
  );
  return rateRow(
    {
      section: "cli",
      operation: `${tool.name} loop (${sample.length} sampled → N)`,
      n,
      seconds,
      note: `extrapolated: ${pool.buckets.length} bucket listings measured in full (${listSeconds.toFixed(1)} s) + N × ${perUpload.toFixed(2)} s per-upload call (mean of ${sample.length} sequential calls); ratio = Reclaim lib/s3 inventory rate ÷ this rate`,
    },
    { ratio: seconds / reclaimSeconds, baseline: "Reclaim ÷ this", min: tool.target },
  );
}

/** Inventory of the pool with aws-cli and s3cmd, against Reclaim's median inventory time. */
export async function runCliInventoryBench(
  ctx: BenchContext,
  tools: CliTools,
  pool: InventoryPool,
  reclaimSeconds: number,
): Promise<BenchRow[]> {
  const sample = pool.uploads.slice(0, ctx.options.sample);
  const aws: ToolInventory = {
    name: "aws-cli",
    target: AWS_CLI_TARGET,
    listUploads: async (bucket) =>
      awsUploadCount(await tools.aws(["s3api", "list-multipart-uploads", "--bucket", bucket])),
    listParts: async (u) =>
      awsParts(
        await tools.aws([
          "s3api",
          "list-parts",
          "--bucket",
          u.bucket,
          "--key",
          u.key,
          "--upload-id",
          u.uploadId,
        ]),
      ),
  };
  const s3cmd: ToolInventory = {
    name: "s3cmd",
    listUploads: async (bucket) =>
      s3cmdUploadCount(await tools.s3cmd(["multipart", `s3://${bucket}`])),
    listParts: async (u) => s3cmdParts(await tools.s3cmd(["listmp", s3Uri(u), u.uploadId])),
  };
  const rows: BenchRow[] = [];
  for (const tool of [aws, s3cmd]) rows.push(await measureTool(tool, pool, sample, reclaimSeconds));
  return rows;
}

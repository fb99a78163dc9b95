/*
 * scripts/seed.ts — fill a local Ceph RGW gateway with realistic incomplete
 * multipart uploads, and write an exact manifest of what was created.
 *
 *   node_modules/.bin/tsx scripts/seed.ts <instance> [--uploads-scale N] [--force] [--dry-run]
 *
 * --uploads-scale N multiplies the reclaim-logs uploads (1,050 x N; other buckets keep
 * their shape). --dry-run prints the planned shape without contacting the gateway.
 *
 * Reads .data/<instance>/gateway.json (written by scripts/gateway.sh start) and, as
 * the admin user, creates:
 *   reclaim-logs    ~1,050 x N small uploads under nested date prefixes (0-2 tiny
 *                   parts each) so ListMultipartUploads paging is real (RGW pages are
 *                   often shorter than MaxUploads while IsTruncated=true);
 *   reclaim-media   a few dozen bigger uploads with parts of varied sizes (< ~200 MB in
 *                   all), one with 1,005 parts (ListParts paging), some with 0 or 1
 *                   part, one whose part 1 was uploaded twice, one with a gap in its
 *                   part numbers, and one completed multipart object;
 *   reclaim-backups odd keys (spaces, + & <> % ü 日本, a ~900-byte key) and two
 *                   uploads of the same key;
 *   reclaim-archive completed objects only.
 * Every bucket also gets a few ordinary objects that a cleanup must never touch.
 *
 * Ages: RGW stamps `Initiated` with its own clock, so the gateway's radosgw is
 * restarted under faketime (`scripts/gateway.sh restart-rgw <instance> -90d`, -30d,
 * -7d, -2h) for one batch each, then on the real clock for the recent rest. Uploads
 * made by a client on the real clock through a backdated radosgw carry the old
 * `Initiated` and list/abort normally afterwards (tested on Ceph 16; faketime needs
 * FAKETIME_DONT_FAKE_MONOTONIC=1, see scripts/gateway.sh).
 *
 * S3Client settings as docs/s3-compatibility.md says RGW needs: path style, us-east-1, checksums only "WHEN_
 * REQUIRED" (otherwise streamed bodies fail with 411 MissingContentLength on
 * Pacific). RGW error messages are empty: errors are reported by name/HTTP status.
 *
 * A bucket policy on reclaim-logs lets reclaim-restricted list uploads and parts
 * (not abort); reclaim-media has no policy, so that key gets AccessDenied there.
 * Both behaviours are probed with the restricted key at the end and logged.
 *
 * .data/<instance>/seed-manifest.json holds exact totals computed from what was sent
 * (each part number counted once, with the size of its last upload). If the manifest
 * and its buckets exist the script says "already seeded" and exits 0; --force (or a
 * missing manifest) empties and deletes the reclaim-* buckets first.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";

// ------------------------------------------------------------------ types
interface GatewayUser {
  uid: string;
  accessKeyId: string;
  secretAccessKey: string;
}
interface GatewayFile {
  endpoint: string;
  region: string;
  users: { admin: GatewayUser; restricted: GatewayUser };
}
type AgeOffset = "-90d" | "-30d" | "-7d" | "-2h" | null;
const AGE_PHASES: readonly AgeOffset[] = ["-90d", "-30d", "-7d", "-2h", null];

interface PlannedPart {
  partNumber: number;
  size: number;
}
interface PlannedUpload {
  bucket: string;
  key: string;
  ageOffset: AgeOffset;
  /** parts in the order they are sent; a repeated part number replaces the earlier one */
  parts: PlannedPart[];
}
interface PlannedObject {
  bucket: string;
  key: string;
  size: number;
  contentType: string;
  /** completed through a multipart upload with these part sizes instead of PutObject */
  multipartParts?: number[];
}
interface ManifestObject {
  key: string;
  etag: string;
  size: number;
}
interface ManifestUpload {
  bucket: string;
  key: string;
  uploadId: string;
  parts: number;
  bytes: number;
  ageOffset: AgeOffset;
  initiated?: string;
}
interface BucketTotals {
  uploads: number;
  parts: number;
  bytes: number;
  objects: ManifestObject[];
}
interface Manifest {
  createdAt: string;
  instance: string;
  endpoint: string;
  seedSeconds: number;
  totals: { uploads: number; parts: number; bytes: number; objects: number };
  buckets: Record<string, BucketTotals>;
  uploads: ManifestUpload[];
  restrictedCheck: Record<string, string>;
}

// ------------------------------------------------------------------ args & config
// scripts/seed.ts lives in <repo>/scripts (works under tsx in CJS and ESM mode)
const REPO = path.resolve(path.dirname(path.resolve(process.argv[1] ?? "scripts/seed.ts")), "..");
const BUCKETS = ["reclaim-logs", "reclaim-media", "reclaim-backups", "reclaim-archive"] as const;
const CONCURRENCY = 16;

function parseArgs(argv: string[]): {
  instance: string;
  scale: number;
  force: boolean;
  dryRun: boolean;
} {
  let instance: string | undefined;
  let scale = 1;
  let force = false;
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--force") force = true;
    else if (a === "--dry-run") dryRun = true;
    else if (a === "--uploads-scale") {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error("--uploads-scale needs a positive number");
      scale = v;
    } else if (a.startsWith("--uploads-scale=")) {
      const v = Number(a.slice("--uploads-scale=".length));
      if (!Number.isFinite(v) || v <= 0) throw new Error("--uploads-scale needs a positive number");
      scale = v;
    } else if (!a.startsWith("-") && instance === undefined) instance = a;
    else throw new Error(`unknown argument: ${a}`);
  }
  if (!instance || !/^[a-z0-9-]+$/.test(instance)) {
    throw new Error(
      "usage: tsx scripts/seed.ts <instance> [--uploads-scale N] [--force] [--dry-run]",
    );
  }
  return { instance, scale, force, dryRun };
}

function readGateway(file: string): GatewayFile {
  if (!existsSync(file)) {
    throw new Error(
      `${file} not found: start the gateway first (bash scripts/gateway.sh start <instance>)`,
    );
  }
  const raw: unknown = JSON.parse(readFileSync(file, "utf8"));
  const g = raw as Partial<GatewayFile>;
  if (
    typeof g.endpoint !== "string" ||
    !g.users?.admin?.accessKeyId ||
    !g.users?.restricted?.accessKeyId
  ) {
    throw new Error(`${file} is not a gateway file`);
  }
  return g as GatewayFile;
}

function client(gw: GatewayFile, user: GatewayUser): S3Client {
  return new S3Client({
    endpoint: gw.endpoint,
    region: gw.region || "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 5,
  });
}

// ------------------------------------------------------------------ helpers
function errInfo(e: unknown): { name: string; status: number | undefined } {
  const x = e as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } };
  const name =
    typeof x.Code === "string" ? x.Code : typeof x.name === "string" ? x.name : String(e);
  return { name, status: x.$metadata?.httpStatusCode };
}

function describe(e: unknown): string {
  const { name, status } = errInfo(e);
  if (status) return `${name} (HTTP ${status})`;
  // network errors carry no HTTP status: say what happened (ECONNREFUSED, ...)
  const x = e as { code?: unknown; message?: unknown };
  const detail = [x.code, x.message].filter((v): v is string => typeof v === "string" && v !== "");
  return detail.length > 0 ? `${name}: ${detail.join(" ")}` : name;
}

/** deterministic PRNG so every seed has the same shape (mulberry32) */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
// one stream per bucket, so --uploads-scale changes only reclaim-logs
let rand = prng(20261127);
const randInt = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
function pick<T>(xs: readonly T[]): T {
  const x = xs[Math.floor(rand() * xs.length)];
  if (x === undefined) throw new Error("pick from an empty list");
  return x;
}

async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
}

const KiB = 1024;
const MiB = 1024 * 1024;
// One shared pseudo-random buffer; bodies are slices of it (content does not matter).
const BLOB = (() => {
  const b = Buffer.alloc(8 * MiB);
  const r = prng(7);
  for (let i = 0; i < b.length; i += 4) b.writeUInt32LE(Math.floor(r() * 4294967296), i);
  return b;
})();
function body(size: number, salt: number): Buffer {
  if (size > BLOB.length) throw new Error(`part too big: ${size}`);
  const start = (salt * 4099) % (BLOB.length - size + 1);
  return BLOB.subarray(start, start + size);
}

function fmtBytes(n: number): string {
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  if (n >= KiB) return `${(n / KiB).toFixed(1)} KiB`;
  return `${n} B`;
}

function ymd(offset: AgeOffset, jitterDays: number): string {
  const days = offset === "-90d" ? 90 : offset === "-30d" ? 30 : offset === "-7d" ? 7 : 0;
  const d = new Date(Date.now() - (days + jitterDays) * 86400000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}`;
}

function pickAge(weights: ReadonlyArray<[AgeOffset, number]>): AgeOffset {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [age, w] of weights) {
    r -= w;
    if (r < 0) return age;
  }
  return null;
}

// ------------------------------------------------------------------ the plan
function plan(scale: number): { uploads: PlannedUpload[]; objects: PlannedObject[] } {
  const uploads: PlannedUpload[] = [];
  const objects: PlannedObject[] = [];
  const seen = new Set<string>();
  const unique = (bucket: string, key: string): string => {
    let k = key;
    for (let n = 2; seen.has(`${bucket}\u0000${k}`); n++)
      k = key.replace(/(\.[a-z0-9.]+)?$/, (ext) => `-${n}${ext}`);
    seen.add(`${bucket}\u0000${k}`);
    return k;
  };
  const smallParts = (count: number, lo: number, hi: number): PlannedPart[] =>
    Array.from({ length: count }, (_, i) => ({ partNumber: i + 1, size: randInt(lo, hi) }));

  // reclaim-logs: many small uploads under nested date prefixes
  rand = prng(20261127);
  const logAges: Array<[AgeOffset, number]> = [
    ["-90d", 15],
    ["-30d", 20],
    ["-7d", 25],
    ["-2h", 15],
    [null, 25],
  ];
  const apps = ["app", "api", "worker", "ingest", "web", "billing"];
  const nLogs = Math.max(1, Math.round(1050 * scale));
  for (let i = 0; i < nLogs; i++) {
    const age = pickAge(logAges);
    const r = rand();
    const nParts = r < 0.4 ? 0 : r < 0.75 ? 1 : 2;
    const key = unique(
      "reclaim-logs",
      `${pick(apps)}/${ymd(age, randInt(0, 3))}/host-${randInt(1, 24)}.log.gz`,
    );
    uploads.push({
      bucket: "reclaim-logs",
      key,
      ageOffset: age,
      parts: smallParts(nParts, 1 * KiB, 16 * KiB),
    });
  }

  // reclaim-media: bigger uploads with varied part sizes
  rand = prng(20261128);
  const mediaAges: Array<[AgeOffset, number]> = [
    ["-90d", 2],
    ["-30d", 3],
    ["-7d", 3],
    ["-2h", 2],
    [null, 3],
  ];
  const sizes = [256 * KiB, 512 * KiB, 1 * MiB, 2 * MiB, 3 * MiB, 5 * MiB + 12345];
  const mediaKeys = [
    () =>
      `videos/raw/2026/cam-${randInt(1, 4)}/clip-${String(randInt(1, 9999)).padStart(4, "0")}.mov`,
    () => `images/originals/IMG_${randInt(1000, 9999)}.CR3`,
    () => `exports/project-${randInt(1, 12)}/final-cut-v${randInt(1, 9)}.mp4`,
    () => `audio/podcast/episode-${randInt(1, 200)}.wav`,
  ];
  const nMedia = 30;
  for (let i = 0; i < nMedia; i++) {
    const key = unique("reclaim-media", pick(mediaKeys)());
    const age = pickAge(mediaAges);
    let parts: PlannedPart[];
    if (i < 5)
      parts = []; // started, never sent a byte
    else if (i < 11) parts = [{ partNumber: 1, size: pick(sizes) }];
    else {
      const n = randInt(2, 3);
      parts = Array.from({ length: n }, (_, j) => ({
        partNumber: j + 1,
        size: j === n - 1 ? randInt(1, 2 * MiB) : pick(sizes),
      }));
    }
    uploads.push({ bucket: "reclaim-media", key, ageOffset: age, parts });
  }
  // ListParts paging: 1,005 small parts (RGW accepts small non-final parts)
  uploads.push({
    bucket: "reclaim-media",
    key: unique("reclaim-media", "videos/raw/2026/timelapse/frames-bundle.tar"),
    ageOffset: null,
    parts: Array.from({ length: 1005 }, (_, j) => ({
      partNumber: j + 1,
      size: 4 * KiB + ((j * 37) % 4096),
    })),
  });
  // part numbers with gaps (1, 2, 5, 9)
  uploads.push({
    bucket: "reclaim-media",
    key: unique("reclaim-media", "exports/project-3/gappy-render.mp4"),
    ageOffset: "-7d",
    parts: [1, 2, 5, 9].map((partNumber) => ({ partNumber, size: 1 * MiB })),
  });
  // part 1 uploaded twice: only the second (smaller) one counts
  uploads.push({
    bucket: "reclaim-media",
    key: unique("reclaim-media", "audio/podcast/retry-part-one.wav"),
    ageOffset: "-30d",
    parts: [
      { partNumber: 1, size: 2 * MiB },
      { partNumber: 2, size: 1 * MiB },
      { partNumber: 1, size: 512 * KiB },
    ],
  });

  // reclaim-backups: odd keys, one very long key, the same key twice
  rand = prng(20261129);
  const longKey = (() => {
    let k = "long/";
    while (Buffer.byteLength(k) < 880) k += `segment-${String(k.length).padStart(4, "0")}/`;
    k = k.slice(0, 890);
    return `${k}/dump.tar`;
  })();
  const odd: Array<[string, AgeOffset, number]> = [
    ["db dumps/2026-11-01 full backup.sql.gz", "-90d", 2],
    ["c++/build+artifacts/lib+core.tar", "-30d", 1],
    ["reports/Q3 & Q4/summary&notes.pdf", "-7d", 1],
    ["html/<draft>/index<1>.html", "-2h", 0],
    ["users/müller/Übersicht März.xlsx", "-30d", 2],
    ["日本/東京/バックアップ 2026.tar", "-7d", 1],
    ["percent/100%25 done/file%2Bplus.txt", null, 1],
    ["misc/a=b;c,d@e$f~g.bin", null, 0],
    [longKey, "-90d", 1],
    ["nightly/2026/11/20/pg/base.tar.zst", "-7d", 2],
    ["nightly/2026/11/26/pg/base.tar.zst", "-2h", 1],
  ];
  for (const [key, age, n] of odd) {
    uploads.push({
      bucket: "reclaim-backups",
      key: unique("reclaim-backups", key),
      ageOffset: age,
      parts: smallParts(n, 64 * KiB, 1 * MiB),
    });
  }
  // the SAME key twice (a retry that left the first attempt behind)
  const same = "nightly/2026/11/27/pg/base.tar.zst";
  uploads.push({
    bucket: "reclaim-backups",
    key: same,
    ageOffset: "-7d",
    parts: smallParts(2, 256 * KiB, 1 * MiB),
  });
  uploads.push({
    bucket: "reclaim-backups",
    key: same,
    ageOffset: null,
    parts: smallParts(1, 256 * KiB, 1 * MiB),
  });

  // completed objects that must never be touched
  rand = prng(20261130);
  const obj = (bucket: string, key: string, size: number, contentType: string) =>
    objects.push({ bucket, key, size, contentType });
  obj("reclaim-logs", "app/2026/11/01/host-1.log.gz", 48 * KiB, "application/gzip");
  obj("reclaim-logs", "api/2026/11/02/host-7.log.gz", 12 * KiB, "application/gzip");
  obj("reclaim-logs", "README.txt", 321, "text/plain");
  obj("reclaim-media", "images/originals/IMG_0001.CR3", 900 * KiB, "image/x-canon-cr3");
  obj("reclaim-media", "videos/published/teaser.mp4", 2 * MiB, "video/mp4");
  objects.push({
    bucket: "reclaim-media",
    key: "videos/published/trailer.mp4",
    size: 5 * MiB + 100 * KiB,
    contentType: "video/mp4",
    multipartParts: [5 * MiB, 100 * KiB],
  });
  obj("reclaim-backups", "nightly/2026/11/19/pg/base.tar.zst", 700 * KiB, "application/zstd");
  obj(
    "reclaim-backups",
    "users/müller/Übersicht Februar.xlsx",
    30 * KiB,
    "application/vnd.ms-excel",
  );
  obj("reclaim-backups", "db dumps/2026-10-01 full backup.sql.gz", 256 * KiB, "application/gzip");
  for (let i = 1; i <= 6; i++)
    obj(
      "reclaim-archive",
      `2025/q${((i - 1) % 4) + 1}/ledger-${i}.parquet`,
      randInt(10 * KiB, 400 * KiB),
      "application/octet-stream",
    );
  return { uploads, objects };
}

// ------------------------------------------------------------------ gateway control
function restartRgw(instance: string, offset: AgeOffset): void {
  const args = [path.join(REPO, "scripts/gateway.sh"), "restart-rgw", instance];
  if (offset) args.push(offset);
  const r = spawnSync("bash", args, { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0)
    throw new Error(`gateway.sh restart-rgw ${instance} ${offset ?? ""} failed (exit ${r.status})`);
}

// ------------------------------------------------------------------ reset
async function bucketExists(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (e) {
    const { status, name } = errInfo(e);
    if (status === 404 || name === "NotFound" || name === "NoSuchBucket") return false;
    throw e;
  }
}

async function emptyAndDeleteBucket(s3: S3Client, bucket: string): Promise<void> {
  if (!(await bucketExists(s3, bucket))) return;
  // abort every upload (loop until none are left: RGW pages can be short/odd)
  for (let round = 0; round < 1000; round++) {
    const page = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, MaxUploads: 1000 }),
    );
    const ups = page.Uploads ?? [];
    if (ups.length === 0) break;
    await pool(ups, 32, async (u) => {
      try {
        await s3.send(
          new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }),
        );
      } catch (e) {
        if (errInfo(e).name !== "NoSuchUpload") throw e;
      }
    });
  }
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    await pool(page.Contents ?? [], 16, async (o) => {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
    });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}

// ------------------------------------------------------------------ seeding
async function createUpload(s3: S3Client, u: PlannedUpload, salt: number): Promise<ManifestUpload> {
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: u.bucket, Key: u.key }));
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error(`no UploadId for ${u.bucket}/${u.key}`);
  const finalSizes = new Map<number, number>();
  // parts of one upload: in order (a repeated part number must land last), but the
  // 1,005-part upload goes through the pool to keep seeding fast
  const distinct = new Set(u.parts.map((p) => p.partNumber)).size === u.parts.length;
  const send = async (p: PlannedPart, i: number) => {
    await s3.send(
      new UploadPartCommand({
        Bucket: u.bucket,
        Key: u.key,
        UploadId: uploadId,
        PartNumber: p.partNumber,
        Body: body(p.size, salt + i),
        ContentLength: p.size,
      }),
    );
  };
  if (distinct && u.parts.length > 8) await pool(u.parts, CONCURRENCY, send);
  else for (const [i, p] of u.parts.entries()) await send(p, i);
  for (const p of u.parts) finalSizes.set(p.partNumber, p.size);
  let bytes = 0;
  for (const s of finalSizes.values()) bytes += s;
  return {
    bucket: u.bucket,
    key: u.key,
    uploadId,
    parts: finalSizes.size,
    bytes,
    ageOffset: u.ageOffset,
  };
}

async function putObjects(
  s3: S3Client,
  objects: PlannedObject[],
): Promise<Map<string, ManifestObject[]>> {
  const out = new Map<string, ManifestObject[]>();
  await pool(objects, CONCURRENCY, async (o, i) => {
    let etag: string | undefined;
    if (o.multipartParts) {
      const c = await s3.send(
        new CreateMultipartUploadCommand({
          Bucket: o.bucket,
          Key: o.key,
          ContentType: o.contentType,
        }),
      );
      const parts: Array<{ ETag: string; PartNumber: number }> = [];
      for (const [j, size] of o.multipartParts.entries()) {
        const r = await s3.send(
          new UploadPartCommand({
            Bucket: o.bucket,
            Key: o.key,
            UploadId: c.UploadId,
            PartNumber: j + 1,
            Body: body(size, 90000 + j),
            ContentLength: size,
          }),
        );
        parts.push({ ETag: r.ETag ?? "", PartNumber: j + 1 });
      }
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: o.bucket,
          Key: o.key,
          UploadId: c.UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
      etag = done.ETag; // RGW Pacific sends an empty <ETag></ETag> here: HEAD below
    } else {
      const r = await s3.send(
        new PutObjectCommand({
          Bucket: o.bucket,
          Key: o.key,
          Body: body(o.size, 50000 + i),
          ContentLength: o.size,
          ContentType: o.contentType,
        }),
      );
      etag = r.ETag;
    }
    // record what the gateway stores (HEAD), which is what a later check compares
    const head = await s3.send(new HeadObjectCommand({ Bucket: o.bucket, Key: o.key }));
    if (head.ContentLength !== o.size)
      throw new Error(`${o.bucket}/${o.key}: stored ${head.ContentLength} bytes, sent ${o.size}`);
    const list = out.get(o.bucket) ?? [];
    list.push({ key: o.key, etag: head.ETag || etag || "", size: o.size });
    out.set(o.bucket, list);
  });
  for (const list of out.values())
    list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

function logsPolicy(restrictedUid: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RestrictedMayListUploadsButNotAbort",
        Effect: "Allow",
        Principal: { AWS: [`arn:aws:iam:::user/${restrictedUid}`] },
        Action: ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts"],
        Resource: ["arn:aws:s3:::reclaim-logs", "arn:aws:s3:::reclaim-logs/*"],
      },
    ],
  });
}

/** Every upload in a bucket, paging by markers (RGW pages may be short). */
async function listAllUploads(
  s3: S3Client,
  bucket: string,
): Promise<Array<{ key: string; uploadId: string; initiated?: Date }>> {
  const out: Array<{ key: string; uploadId: string; initiated?: Date }> = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (let page = 0; page < 100000; page++) {
    const r = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        MaxUploads: 1000,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const u of r.Uploads ?? [])
      out.push({ key: u.Key ?? "", uploadId: u.UploadId ?? "", initiated: u.Initiated });
    if (!r.IsTruncated) return out;
    if (
      !r.NextKeyMarker ||
      (r.NextKeyMarker === keyMarker && r.NextUploadIdMarker === uploadIdMarker)
    ) {
      throw new Error(
        `ListMultipartUploads on ${bucket} is truncated but its markers do not advance`,
      );
    }
    keyMarker = r.NextKeyMarker;
    uploadIdMarker = r.NextUploadIdMarker;
  }
  throw new Error(`too many pages listing ${bucket}`);
}

async function probeRestricted(
  admin: S3Client,
  restricted: S3Client,
  sample: ManifestUpload,
): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  const attempt = async (label: string, fn: () => Promise<string>) => {
    try {
      seen[label] = `allowed: ${await fn()}`;
    } catch (e) {
      seen[label] = `denied: ${describe(e)}`;
    }
  };
  await attempt("ListBuckets", async () => {
    const r = await restricted.send(new ListBucketsCommand({}));
    return `${(r.Buckets ?? []).length} buckets visible`;
  });
  await attempt("ListMultipartUploads reclaim-logs", async () => {
    const r = await restricted.send(
      new ListMultipartUploadsCommand({ Bucket: "reclaim-logs", MaxUploads: 1000 }),
    );
    return `${(r.Uploads ?? []).length} uploads on the first page, IsTruncated=${String(r.IsTruncated)}`;
  });
  await attempt("ListParts reclaim-logs", async () => {
    const r = await restricted.send(
      new ListPartsCommand({ Bucket: "reclaim-logs", Key: sample.key, UploadId: sample.uploadId }),
    );
    return `${(r.Parts ?? []).length} parts of ${sample.key}`;
  });
  await attempt("ListObjectsV2 reclaim-logs", async () => {
    const r = await restricted.send(new ListObjectsV2Command({ Bucket: "reclaim-logs" }));
    return `${r.KeyCount ?? 0} objects`;
  });
  // abort is tried on a throw-away upload, so an unexpected success harms nothing
  const probe = await admin.send(
    new CreateMultipartUploadCommand({
      Bucket: "reclaim-logs",
      Key: "zz-permission-probe/delete-me.bin",
    }),
  );
  await attempt("AbortMultipartUpload reclaim-logs", async () => {
    await restricted.send(
      new AbortMultipartUploadCommand({
        Bucket: "reclaim-logs",
        Key: "zz-permission-probe/delete-me.bin",
        UploadId: probe.UploadId,
      }),
    );
    return "aborted (UNEXPECTED)";
  });
  try {
    await admin.send(
      new AbortMultipartUploadCommand({
        Bucket: "reclaim-logs",
        Key: "zz-permission-probe/delete-me.bin",
        UploadId: probe.UploadId,
      }),
    );
  } catch (e) {
    if (errInfo(e).name !== "NoSuchUpload") throw e;
  }
  await attempt("ListMultipartUploads reclaim-media", async () => {
    const r = await restricted.send(new ListMultipartUploadsCommand({ Bucket: "reclaim-media" }));
    return `${(r.Uploads ?? []).length} uploads (UNEXPECTED)`;
  });
  return seen;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const { instance, scale, force, dryRun } = parseArgs(process.argv.slice(2));
  if (dryRun) {
    // print the planned shape without touching any gateway
    const p = plan(scale);
    for (const b of BUCKETS) {
      const ups = p.uploads.filter((u) => u.bucket === b);
      const parts = ups.reduce((s, u) => s + new Set(u.parts.map((x) => x.partNumber)).size, 0);
      const sent = ups.reduce((s, u) => s + u.parts.reduce((t, x) => t + x.size, 0), 0);
      console.log(`${b.padEnd(16)} ${ups.length} uploads, ${parts} parts, ${fmtBytes(sent)} sent`);
    }
    return;
  }
  const dataDir = path.join(REPO, ".data", instance);
  const gw = readGateway(path.join(dataDir, "gateway.json"));
  const manifestFile = path.join(dataDir, "seed-manifest.json");
  let admin = client(gw, gw.users.admin);

  try {
    await admin.send(new ListBucketsCommand({}));
  } catch (e) {
    throw new Error(
      `gateway ${instance} at ${gw.endpoint} does not answer (${describe(e)}): run bash scripts/gateway.sh start ${instance}`,
    );
  }

  if (existsSync(manifestFile) && !force) {
    const m = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
    const names = Object.keys(m.buckets ?? {});
    const present = await Promise.all(names.map((b) => bucketExists(admin, b)));
    if (names.length > 0 && present.every(Boolean)) {
      console.log(
        `already seeded (${manifestFile}: ${m.totals?.uploads ?? "?"} uploads); use --force to reseed`,
      );
      return;
    }
    console.log("manifest found but its buckets are missing: reseeding");
  }

  // reset: remove what a previous (possibly partial) seed left behind
  rmSync(manifestFile, { force: true });
  const tReset = Date.now();
  for (const b of BUCKETS) await emptyAndDeleteBucket(admin, b);
  console.log(`reset reclaim-* buckets in ${((Date.now() - tReset) / 1000).toFixed(1)}s`);

  const { uploads: planned, objects } = plan(scale);
  for (const b of BUCKETS) await admin.send(new CreateBucketCommand({ Bucket: b }));
  await admin.send(
    new PutBucketPolicyCommand({
      Bucket: "reclaim-logs",
      Policy: logsPolicy(gw.users.restricted.uid),
    }),
  );
  const objectsByBucket = await putObjects(admin, objects);

  const created: ManifestUpload[] = [];
  let salt = 0;
  let faked = false; // is radosgw running on a fake clock right now?
  try {
    for (const age of AGE_PHASES) {
      const batch = planned.filter((u) => u.ageOffset === age);
      if (batch.length === 0) continue;
      const tPhase = Date.now();
      if (age || faked) {
        restartRgw(instance, age); // a backdated clock, or back to the real one
        faked = age !== null;
        admin.destroy(); // its keep-alive sockets went to the old radosgw
        admin = client(gw, gw.users.admin);
      }
      const s3 = admin;
      await pool(batch, CONCURRENCY, async (u) => {
        created.push(await createUpload(s3, u, (salt += 1009)));
      });
      const bytes = batch.reduce((s, u) => s + u.parts.reduce((t, p) => t + p.size, 0), 0);
      console.log(
        `  ${age ?? "now"}: ${batch.length} uploads, ${fmtBytes(bytes)} sent in ${((Date.now() - tPhase) / 1000).toFixed(1)}s`,
      );
    }
  } finally {
    if (faked) {
      restartRgw(instance, null);
      admin.destroy();
      admin = client(gw, gw.users.admin);
    }
  }

  // verify against a fresh listing, and record each upload's Initiated
  const byId = new Map(created.map((u) => [u.uploadId, u]));
  const buckets: Record<string, BucketTotals> = {};
  for (const b of BUCKETS) {
    const listed = await listAllUploads(admin, b);
    const mine = created.filter((u) => u.bucket === b);
    if (listed.length !== mine.length) {
      throw new Error(
        `${b}: ListMultipartUploads shows ${listed.length} uploads, seeded ${mine.length}`,
      );
    }
    for (const l of listed) {
      const u = byId.get(l.uploadId);
      if (!u || u.key !== l.key) throw new Error(`${b}: unexpected upload ${l.key} ${l.uploadId}`);
      u.initiated = l.initiated?.toISOString();
    }
    buckets[b] = {
      uploads: mine.length,
      parts: mine.reduce((s, u) => s + u.parts, 0),
      bytes: mine.reduce((s, u) => s + u.bytes, 0),
      objects: objectsByBucket.get(b) ?? [],
    };
  }

  const big = created.find((u) => u.parts >= 1005);
  if (big) {
    let n = 0;
    let marker: string | undefined;
    for (;;) {
      const r = await admin.send(
        new ListPartsCommand({
          Bucket: big.bucket,
          Key: big.key,
          UploadId: big.uploadId,
          PartNumberMarker: marker,
        }),
      );
      n += (r.Parts ?? []).length;
      if (!r.IsTruncated) break;
      marker = r.NextPartNumberMarker;
    }
    if (n !== big.parts)
      throw new Error(`ListParts of ${big.key} shows ${n} parts, sent ${big.parts}`);
  }

  const restricted = client(gw, gw.users.restricted);
  const sample = created.find((u) => u.bucket === "reclaim-logs" && u.parts > 0);
  if (!sample) throw new Error("no reclaim-logs upload with parts to probe");
  const restrictedCheck = await probeRestricted(admin, restricted, sample);
  restricted.destroy();

  created.sort((a, b) =>
    a.bucket + "\u0000" + a.key + "\u0000" + a.uploadId <
    b.bucket + "\u0000" + b.key + "\u0000" + b.uploadId
      ? -1
      : 1,
  );
  const totals = {
    uploads: created.length,
    parts: created.reduce((s, u) => s + u.parts, 0),
    bytes: created.reduce((s, u) => s + u.bytes, 0),
    objects: Object.values(buckets).reduce((s, b) => s + b.objects.length, 0),
  };
  const manifest: Manifest = {
    createdAt: new Date().toISOString(),
    instance,
    endpoint: gw.endpoint,
    seedSeconds: Math.round((Date.now() - t0) / 100) / 10,
    totals,
    buckets,
    uploads: created,
    restrictedCheck,
  };
  writeFileSync(`${manifestFile}.tmp`, JSON.stringify(manifest, null, 2) + "\n");
  renameSync(`${manifestFile}.tmp`, manifestFile);
  admin.destroy();

  console.log("\nrestricted key (reclaim-restricted):");
  for (const [k, v] of Object.entries(restrictedCheck)) console.log(`  ${k.padEnd(36)} ${v}`);
  const unexpected = [
    !restrictedCheck["ListMultipartUploads reclaim-logs"]?.startsWith("allowed"),
    !restrictedCheck["ListParts reclaim-logs"]?.startsWith("allowed"),
    !restrictedCheck["AbortMultipartUpload reclaim-logs"]?.startsWith("denied"),
    !restrictedCheck["ListMultipartUploads reclaim-media"]?.startsWith("denied"),
  ].some(Boolean);

  console.log("\nbucket            uploads   parts        bytes  objects");
  for (const [b, t] of Object.entries(buckets)) {
    console.log(
      `${b.padEnd(16)} ${String(t.uploads).padStart(8)} ${String(t.parts).padStart(7)} ${String(t.bytes).padStart(12)} ${String(t.objects.length).padStart(8)}`,
    );
  }
  console.log(
    `${"total".padEnd(16)} ${String(totals.uploads).padStart(8)} ${String(totals.parts).padStart(7)} ${String(totals.bytes).padStart(12)} ${String(totals.objects).padStart(8)}  (${fmtBytes(totals.bytes)})`,
  );
  console.log(
    `seeded ${instance} in ${manifest.seedSeconds}s -> ${path.relative(REPO, manifestFile)}`,
  );
  if (unexpected) {
    console.error(
      "WARNING: the restricted key did not behave as the bucket policy intends (see above)",
    );
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(`seed: ${e instanceof Error ? e.message : describe(e)}`);
  if (e instanceof Error && e.stack && process.env.DEBUG) console.error(e.stack);
  process.exit(1);
});

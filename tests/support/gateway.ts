// Test-side access to the local Ceph gateway: its connection file, the seed manifest and a
// raw SDK client (tests check the app against the SDK, never against the app's own code).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";

export const repoRoot = path.resolve(__dirname, "../..");
export const testInstance = process.env.RECLAIM_TEST_INSTANCE ?? "test";
export const instanceDir = path.join(repoRoot, ".data", testInstance);

export interface KeyPair {
  uid: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface GatewayInfo {
  endpoint: string;
  region: string;
  users: { admin: KeyPair; restricted: KeyPair };
}

export interface SeedManifest {
  createdAt: string;
  buckets: Record<string, { uploads: number; parts: number; bytes: number; objects: { key: string; etag: string; size: number }[] }>;
  uploads: { bucket: string; key: string; uploadId: string; parts: number; bytes: number; ageOffset: string | null }[];
}

/** Tests must never touch a real storage endpoint. */
export function assertLoopback(endpoint: string): void {
  const host = new URL(endpoint).hostname;
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]") {
    throw new Error(`Refusing to run tests against non-loopback endpoint ${endpoint}`);
  }
}

export function readGateway(): GatewayInfo {
  const info = JSON.parse(fs.readFileSync(path.join(instanceDir, "gateway.json"), "utf8")) as GatewayInfo;
  assertLoopback(info.endpoint);
  return info;
}

export function readManifest(): SeedManifest {
  return JSON.parse(fs.readFileSync(path.join(instanceDir, "seed-manifest.json"), "utf8")) as SeedManifest;
}

export const profilesFile = path.join(instanceDir, "profiles.json");

/** Start (or reuse) the test gateway and seed it; idempotent. */
export function ensureSeededGateway(): void {
  execFileSync("bash", [path.join(repoRoot, "scripts/gateway.sh"), "start", testInstance], { stdio: "inherit" });
  execFileSync(path.join(repoRoot, "node_modules/.bin/tsx"), [path.join(repoRoot, "scripts/seed.ts"), testInstance], {
    stdio: "inherit",
  });
}

export function rawClient(user: "admin" | "restricted" = "admin", endpoint?: string): S3Client {
  const info = readGateway();
  const keys = info.users[user];
  const target = endpoint ?? info.endpoint;
  assertLoopback(target);
  return new S3Client({
    endpoint: target,
    region: info.region,
    forcePathStyle: true,
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

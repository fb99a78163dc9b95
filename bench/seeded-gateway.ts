/*
 * bench/seeded-gateway.ts — gateway instances filled by scripts/seed.ts with realistic
 * uploads, reused across runs (seeding 20,000 takes minutes), and what they hold.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ListBucketsCommand, type S3Client } from "@aws-sdk/client-s3";
import { instanceDir, rawListUploads, type Totals } from "./gateway";
import { REPO } from "./report";

/**
 * Seeds the (running) instance with about `uploads` uploads unless an earlier seeding of that
 * size is still there; returns the seed manifest's totals, exact for what ListParts reports
 * (seed.ts counts each part number once, with the size of its last upload). seed.ts puts
 * 1,050 × scale uploads in reclaim-logs; its other buckets add a few dozen.
 */
export function ensureSeeded(instance: string, uploads: number): Totals {
  const manifestFile = path.join(instanceDir(instance), "seed-manifest.json");
  const readTotals = () =>
    (JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { totals: Totals }).totals;
  const seeded = fs.existsSync(manifestFile) ? readTotals().uploads : undefined;
  const reuse = seeded !== undefined && Math.abs(seeded - uploads) <= uploads * 0.02;
  const scale = `${uploads / 1050}`;
  // Without --force, seed.ts only checks that the manifest's buckets still exist.
  const args = [path.join(REPO, "scripts/seed.ts"), instance, "--uploads-scale", scale];
  if (!reuse) args.push("--force");
  execFileSync(path.join(REPO, "node_modules/.bin/tsx"), args, { stdio: "inherit" });
  return readTotals();
}

/**
 * Uploads listed over all the gateway's buckets, with the raw SDK. (Parts would take one
 * ListParts per upload: minutes for 20,000 on a busy host, on top of the app's own scan.)
 */
export async function countUploads(raw: S3Client): Promise<number> {
  const buckets = (await raw.send(new ListBucketsCommand({}))).Buckets ?? [];
  const names = buckets.map((b) => b.Name ?? "").filter(Boolean);
  return (await rawListUploads(raw, names)).length;
}

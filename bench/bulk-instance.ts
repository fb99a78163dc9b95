/*
 * bench/bulk-instance.ts — one dashboard instance's share of the "instances" section
 * (bench/instances-bench.ts), as its own process: its own runner (lease holder), its own
 * connection to the database named by RECLAIM_DATABASE_URL or RECLAIM_DB_FILE.
 *
 *   tsx --conditions=react-server bench/bulk-instance.ts <profile id> <bucket> <uploads>
 *
 * Dry run of the bucket, then prints {"ready":true} and waits for a line "go" on stdin, so
 * the parent starts every instance's job at the same moment; prints the job's result as one
 * JSON line and exits.
 */
import readline from "node:readline";
import { closeDb, getDb } from "@/lib/db";
import { startPreview, waitForPreview } from "@/lib/jobs/preview";
import { jobSettled, readJob } from "@/lib/jobs/runner";
import { startJobFromPreview } from "@/lib/jobs/service";
import { getProfile } from "@/lib/profiles";

const ACTOR = { id: "bench", email: "bench@reclaim.invalid" };

function emit(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function main(): Promise<void> {
  const [profileId = "", bucket = "", count = ""] = process.argv.slice(2);
  const n = Number(count);
  await getDb();
  const profile = getProfile(profileId);
  const entry = startPreview(profile, { profileId, buckets: [bucket], activeWithinMinutes: 0 }, ACTOR.id);
  const state = await waitForPreview(entry.id, ACTOR.id);
  if (state?.status !== "ready") throw new Error(`preview failed: ${JSON.stringify(state)}`);
  if (state.preview.eligible.totals.count !== n) throw new Error(`preview selected ${state.preview.eligible.totals.count} uploads, seeded ${n}`);
  emit({ ready: true });
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === "go") break;
  lines.close();
  const start = Date.now();
  const started = await startJobFromPreview({ previewId: state.preview.previewId, actor: ACTOR, includeActive: false, confirmCount: n });
  await jobSettled(started.id);
  const end = Date.now();
  const job = await readJob(started.id);
  emit({ start, end, status: job?.status, reclaimed: job?.counts.reclaimed, bytesReclaimed: job?.bytesReclaimed });
  await closeDb();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);

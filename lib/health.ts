import "server-only";
import { ensureAuthReady } from "@/lib/auth/auth";
import { sql } from "kysely";
import { getDb } from "@/lib/db";
import { errorMessage } from "@/lib/log";
import { migrations } from "@/lib/ledger/migrations";
import { loadProfiles } from "@/lib/profiles";
import { knownInventory, type InventoryOutcome } from "@/lib/uploads/inventory-record";

// Readiness for a load balancer or a Kubernetes readiness probe (docs/operations.md): can this
// instance serve? It can when its database answers with the schema this version expects and
// its profiles file is valid. Each profile's last inventory outcome is reported too, but a
// storage endpoint that is down does not make the dashboard unready: it still serves, and
// says what is wrong. Nothing here sends an S3 request.

interface Check {
  ok: boolean;
  detail: string;
}

interface ProfileInventoryStatus {
  profile: string;
  /** "never": no listing since this instance started. */
  outcome: InventoryOutcome | "never";
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  /** The typed error code of the last failure (no message: this endpoint is not signed in). */
  errorCode: string | null;
}

export interface Readiness {
  ready: boolean;
  checks: { database: Check; migrations: Check; profiles: Check };
  inventory: ProfileInventoryStatus[];
}

function check(run: () => string): Check {
  try {
    return { ok: true, detail: run() };
  } catch (error) {
    return { ok: false, detail: errorMessage(error) };
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function checkAsync(run: () => Promise<string>): Promise<Check> {
  try {
    return { ok: true, detail: await run() };
  } catch (error) {
    return { ok: false, detail: errorMessage(error) };
  }
}

export async function readiness(): Promise<Readiness> {
  // getDb() answers once the schema is brought up to date (or says why it cannot be).
  const database = await checkAsync(async () => {
    await sql`SELECT 1`.execute(await getDb());
    return "reachable";
  });
  let migrationsCheck: Check = { ok: false, detail: "database not reachable" };
  if (database.ok) {
    migrationsCheck = await checkAsync(async () => {
      const ran = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(await getDb());
      const known = new Set(migrations.map((m) => m.name));
      const applied = ran.rows.filter((r) => known.has(r.name)).length;
      const newer = ran.rows.length - applied;
      if (newer > 0) throw new Error(`the database schema has ${newer} migration(s) newer than this version of Reclaim knows`);
      if (applied < migrations.length) throw new Error(`${applied} of ${migrations.length} ledger migrations applied`);
      return `${applied} of ${migrations.length} ledger migrations applied`;
    });
    if (migrationsCheck.ok) {
      try {
        await ensureAuthReady();
      } catch (error) {
        migrationsCheck = { ok: false, detail: `sign-in tables: ${errorMessage(error)}` };
      }
    }
  }
  let profileIds: string[] = [];
  const profiles = check(() => {
    profileIds = [...loadProfiles().keys()];
    return `${profileIds.length} profile(s)`;
  });
  const inventory = profileIds.map((profile): ProfileInventoryStatus => {
    const known = knownInventory(profile);
    return {
      profile,
      outcome: known.lastOutcome ?? "never",
      lastSuccessAt: iso(known.lastSuccessAt),
      lastAttemptAt: iso(known.lastAttemptAt),
      errorCode: known.lastOutcome === "ok" ? null : (known.lastError?.code ?? null),
    };
  });
  return {
    ready: database.ok && migrationsCheck.ok && profiles.ok,
    checks: { database, migrations: migrationsCheck, profiles },
    inventory,
  };
}

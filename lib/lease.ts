import "server-only";
import { getDb } from "@/lib/db";

// Leases: work that must happen once (a policy run) is owned through a row in the shared
// database, so two schedulers — two dashboard instances on one database, or one instance
// whose timers fire twice — never run it at the same time.
//
// Semantics, one row per lease name:
// - `acquireLease` takes the lease when nobody holds it, when the holder's lease has expired,
//   or when `owner` already holds it (then it is a renewal). One statement: two callers
//   racing for a free lease cannot both win.
// - `renewLease` extends the lease only while `owner` still holds it; false means it was lost
//   (it expired and someone else took it, or it was released): stop working on it.
// - `releaseLease` gives it up, only if `owner` still holds it.
// - An owner that dies stops renewing: after `expires_at` anyone may take the lease over.
// Times are the callers' clocks (ISO 8601, UTC), so instances sharing a database need clocks
// in sync to well within a lease's time to live. The same statements run on SQLite and
// PostgreSQL (both take `INSERT … ON CONFLICT … DO UPDATE … WHERE` as one atomic step).

export interface Lease {
  name: string;
  owner: string;
  acquiredAt: string;
  expiresAt: string;
}

interface LeaseRow {
  name: string;
  owner: string;
  acquired_at: string;
  expires_at: string;
}

function toLease(row: LeaseRow): Lease {
  return { name: row.name, owner: row.owner, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}

/** Takes (or renews) the lease for `ttlMs`; false when another owner holds an unexpired one. */
export async function acquireLease(name: string, owner: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const at = now.toISOString();
  const expires = new Date(now.getTime() + ttlMs).toISOString();
  const db = await getDb();
  const result = await db
    .insertInto("lease")
    .values({ name, owner, acquired_at: at, expires_at: expires })
    .onConflict((oc) =>
      oc
        .column("name")
        .doUpdateSet((eb) => ({
          acquired_at: eb.case().when("lease.owner", "=", eb.ref("excluded.owner")).then(eb.ref("lease.acquired_at")).else(eb.ref("excluded.acquired_at")).end(),
          owner: eb.ref("excluded.owner"),
          expires_at: eb.ref("excluded.expires_at"),
        }))
        .where((eb) => eb.or([eb("lease.owner", "=", eb.ref("excluded.owner")), eb("lease.expires_at", "<=", eb.ref("excluded.acquired_at"))])),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Extends the lease of `owner` by `ttlMs` from now; false when `owner` no longer holds it. */
export async function renewLease(name: string, owner: string, ttlMs: number, now = new Date()): Promise<boolean> {
  const expires = new Date(now.getTime() + ttlMs).toISOString();
  const db = await getDb();
  const result = await db.updateTable("lease").set({ expires_at: expires }).where("name", "=", name).where("owner", "=", owner).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives the lease up; does nothing when `owner` does not hold it (any more). */
export async function releaseLease(name: string, owner: string): Promise<void> {
  const db = await getDb();
  await db.deleteFrom("lease").where("name", "=", name).where("owner", "=", owner).execute();
}

/** The lease as stored (possibly expired), or null. */
export async function readLease(name: string): Promise<Lease | null> {
  const db = await getDb();
  const row = await db.selectFrom("lease").selectAll().where("name", "=", name).executeTakeFirst();
  return row ? toLease(row) : null;
}

/** Whether a stored lease is still in force at `now`. */
export function isLive(lease: Lease | null, now = new Date()): lease is Lease {
  return lease !== null && lease.expiresAt > now.toISOString();
}

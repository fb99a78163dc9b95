import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearAttempts, countAttempt, WINDOW_MS } from "@/lib/auth/login-throttle";
import type { Db } from "@/lib/db";
import { openTestDatabase } from "@/tests/support/database";

// The per-account count with the real migrations: in-memory SQLite, or a scratch PostgreSQL
// database when RECLAIM_TEST_DATABASE_URL is set (scripts/test.sh runs this file on both).

let db: Db;
let close: () => Promise<void>;
const T0 = 1_800_000_000_000;

beforeAll(async () => {
  ({ db, close } = await openTestDatabase("throttle"));
});

beforeEach(async () => {
  await sql`DELETE FROM login_attempt`.execute(db);
});

afterAll(async () => {
  await close?.();
});

function rows() {
  return db.selectFrom("login_attempt").selectAll().execute();
}

describe("countAttempt", () => {
  it("counts attempts within the window of the first, then starts over", async () => {
    const counted: number[] = [];
    for (const i of [1, 2, 3]) counted.push(await countAttempt("a@x", T0 + i * 1_000, db));
    expect(counted).toEqual([1, 2, 3]);
    expect(await countAttempt("a@x", T0 + WINDOW_MS - 1, db)).toBe(4);
    expect(await countAttempt("a@x", T0 + 1_000 + WINDOW_MS, db)).toBe(1);
  });

  it("keeps accounts apart and starts over after a success", async () => {
    await countAttempt("a@x", T0, db);
    await countAttempt("a@x", T0, db);
    expect(await countAttempt("b@x", T0, db)).toBe(1);
    await clearAttempts("a@x", db);
    expect(await countAttempt("a@x", T0 + 1, db)).toBe(1);
  });

  it("stores a hash, never the email, and prunes rows whose window has passed", async () => {
    await countAttempt("someone@example.com", T0, db);
    await countAttempt("other@example.com", T0 + 10, db);
    expect(JSON.stringify(await rows())).not.toContain("example.com");
    await countAttempt("late@example.com", T0 + 10 + WINDOW_MS, db);
    expect(await rows()).toHaveLength(1);
  });

  it("counts attempts sent at the same moment one by one: each sees the others", async () => {
    const counted = await Promise.all(Array.from({ length: 8 }, () => countAttempt("burst@x", T0, db)));
    expect(counted.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

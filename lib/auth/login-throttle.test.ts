import Database from "better-sqlite3";
import { beforeEach, describe, expect, it } from "vitest";
import { clearAttempts, countAttempt, WINDOW_MS } from "@/lib/auth/login-throttle";
import { migrate } from "@/lib/ledger/db";

// The per-account count on a fresh in-memory database with the real migrations.

let db: Database.Database;
const T0 = 1_800_000_000_000;

beforeEach(() => {
  db = new Database(":memory:");
  migrate(db);
});

function rows() {
  return db.prepare("SELECT * FROM login_attempt").all() as { key_hash: string; window_start: number; attempts: number }[];
}

describe("countAttempt", () => {
  it("counts attempts within the window of the first, then starts over", () => {
    expect([1, 2, 3].map((i) => countAttempt("a@x", T0 + i * 1_000, db))).toEqual([1, 2, 3]);
    expect(countAttempt("a@x", T0 + WINDOW_MS - 1, db)).toBe(4);
    expect(countAttempt("a@x", T0 + 1_000 + WINDOW_MS, db)).toBe(1);
  });

  it("keeps accounts apart and starts over after a success", () => {
    countAttempt("a@x", T0, db);
    countAttempt("a@x", T0, db);
    expect(countAttempt("b@x", T0, db)).toBe(1);
    clearAttempts("a@x", db);
    expect(countAttempt("a@x", T0 + 1, db)).toBe(1);
  });

  it("stores a hash, never the email, and prunes rows whose window has passed", () => {
    countAttempt("someone@example.com", T0, db);
    countAttempt("other@example.com", T0 + 10, db);
    expect(JSON.stringify(rows())).not.toContain("example.com");
    countAttempt("late@example.com", T0 + 10 + WINDOW_MS, db);
    expect(rows()).toHaveLength(1);
  });
});

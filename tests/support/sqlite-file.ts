// The e2e suites check what a server wrote by opening its SQLite file themselves: read-only,
// for one look at a time (the server goes on writing between looks).
import Database from "better-sqlite3";

type SqliteDb = Database.Database;

export function readSqlite<T>(file: string, read: (db: SqliteDb) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

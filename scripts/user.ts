// Manage dashboard users from a shell (e.g. the first admin on a server without env vars).
//   npm run user -- add <email> <viewer|admin> [--name "Full Name"]   (password read from RECLAIM_NEW_PASSWORD or generated)
//   npm run user -- role <email> <viewer|admin>
//   npm run user -- list
// Uses the same database as the server: set RECLAIM_DATABASE_URL or RECLAIM_DB_FILE as the
// server has it.
import crypto from "node:crypto";
import { ensureAuthReady, getAuth } from "@/lib/auth/auth";
import { isLastAdminError } from "@/lib/auth/user-rules";
import { closeDb, getDb } from "@/lib/db";

type Role = "viewer" | "admin";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function parseRole(value: string | undefined): Role {
  if (value === "viewer" || value === "admin") return value;
  return fail(`Role must be "viewer" or "admin", not "${value ?? ""}".`);
}

async function main(): Promise<void> {
  const [command, email, roleArg, ...rest] = process.argv.slice(2);
  await ensureAuthReady();
  const db = await getDb();
  if (command === "list") {
    const rows = await db.selectFrom("user").select(["email", "role", "banned", "createdAt"]).orderBy("createdAt").execute();
    console.table(rows);
    return;
  }
  if (!email) fail("usage: npm run user -- <add|role|list> <email> <viewer|admin>");
  const role = parseRole(roleArg);
  if (command === "add") {
    const nameIndex = rest.indexOf("--name");
    const name = nameIndex >= 0 ? (rest[nameIndex + 1] ?? email) : email;
    const generated = !process.env.RECLAIM_NEW_PASSWORD;
    const password = process.env.RECLAIM_NEW_PASSWORD ?? crypto.randomBytes(12).toString("base64url");
    await getAuth().api.createUser({ body: { email, password, name, role } });
    console.log(`Added ${email} as ${role}.${generated ? ` Password: ${password}` : ""}`);
    return;
  }
  if (command === "role") {
    let changes = 0;
    try {
      const result = await db.updateTable("user").set({ role }).where("email", "=", email.toLowerCase()).executeTakeFirst();
      changes = Number(result.numUpdatedRows);
    } catch (error) {
      // The database keeps at least one active admin (lib/auth/user-rules.ts), whoever asks.
      if (isLastAdminError(error)) fail(`Refused: ${email} is the last active admin; make another user admin first.`);
      throw error;
    }
    if (changes === 0) fail(`No user with email ${email}.`);
    console.log(`${email} is now ${role}.`);
    return;
  }
  fail(`Unknown command "${command ?? ""}". Use add, role or list.`);
}

main()
  .then(() => closeDb())
  .catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

import { redirect } from "next/navigation";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import { KnownError } from "@/lib/errors";
import { ReclaimS3Error } from "@/lib/s3/errors";
import { defineAction, ok } from "@/lib/safe-action";

// The wrapper every server action is built with: the session, the role and the input are
// checked before the handler runs, and only known errors reach the browser. The session is
// the one thing replaced here (it needs a request); everything else is the real module.

const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => session.user }));

const viewer: SessionUser = { id: "u1", email: "viewer@example.test", name: "Viewer", role: "viewer" };
const admin: SessionUser = { id: "u2", email: "admin@example.test", name: "Admin", role: "admin" };

const input = z.object({ bucket: z.string().min(3, "Bucket names have at least 3 characters.") });

function action(role: "viewer" | "admin", handler = vi.fn(async ({ bucket }: { bucket: string }) => ok(`seen ${bucket}`))) {
  return { run: defineAction({ input, role }, handler), handler };
}

beforeEach(() => {
  session.user = null;
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("defineAction", () => {
  it("runs the handler with the parsed input and the signed-in user", async () => {
    session.user = admin;
    const handler = vi.fn(async ({ bucket }: { bucket: string }, ctx: { user: SessionUser }) => ok(`${ctx.user.email}: ${bucket}`));
    const run = defineAction({ input, role: "viewer" }, handler);
    expect(await run({ bucket: "logs" })).toEqual({ ok: true, data: "admin@example.test: logs" });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it("refuses without a session, before reading the input", async () => {
    const { run, handler } = action("viewer");
    expect(await run({ bucket: "x" })).toEqual({
      ok: false,
      error: { code: "unauthenticated", message: "Your session has ended. Sign in again." },
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it("refuses a viewer an admin action, naming both roles", async () => {
    session.user = viewer;
    const { run, handler } = action("admin");
    const result = await run({ bucket: "logs" });
    expect(result).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(result.ok ? "" : result.error.message).toMatch(/needs the admin role; you are signed in as viewer/);
    expect(handler).not.toHaveBeenCalled();
  });

  it("refuses invalid input with the schema's sentence", async () => {
    session.user = admin;
    const { run, handler } = action("admin");
    expect(await run({ bucket: "x" })).toEqual({
      ok: false,
      error: { code: "invalid-input", message: "Bucket names have at least 3 characters." },
    });
    // Not even the shape: a string where an object belongs.
    expect(await run("logs" as unknown as { bucket: string })).toMatchObject({ ok: false, error: { code: "invalid-input" } });
    expect(handler).not.toHaveBeenCalled();
  });

  it("turns a typed error from lib into its code and sentence", async () => {
    session.user = admin;
    const known = defineAction({ input, role: "viewer" }, async () => {
      throw new KnownError("job-running", "Bulk job 1234 is still running on this profile.");
    });
    expect(await known({ bucket: "logs" })).toEqual({
      ok: false,
      error: { code: "job-running", message: "Bulk job 1234 is still running on this profile." },
    });
    const s3 = defineAction({ input, role: "viewer" }, async () => {
      throw new ReclaimS3Error({ code: "access-denied", message: "Access denied (AccessDenied) listing `logs`." });
    });
    expect(await s3({ bucket: "logs" })).toEqual({
      ok: false,
      error: { code: "access-denied", message: "Access denied (AccessDenied) listing `logs`." },
    });
  });

  it("hides an unexpected error's message from the browser and logs it on the server", async () => {
    session.user = admin;
    // The server log is pino's JSON lines on stdout.
    const written: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const run = defineAction({ input, role: "viewer" }, async () => {
      throw new Error("SQLITE_CANTOPEN: /srv/reclaim/secret-path.sqlite");
    });
    const result = await run({ bucket: "logs" });
    expect(result).toEqual({
      ok: false,
      error: { code: "internal", message: "Something went wrong on the server. Check the server log and try again." },
    });
    expect(JSON.stringify(result)).not.toContain("secret-path");
    const lines = written.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ level: "error", event: "server-error", error: expect.stringContaining("secret-path") }));
  });

  it("lets Next's redirect escape instead of turning it into a result", async () => {
    session.user = admin;
    const run = defineAction({ input, role: "viewer" }, async () => redirect("/login"));
    await expect(run({ bucket: "logs" })).rejects.toMatchObject({ digest: expect.stringMatching(/^NEXT_REDIRECT/) });
  });
});

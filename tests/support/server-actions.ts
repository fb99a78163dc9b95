// Calling a server action the way a script (or an attacker) would: a POST to a page that
// uses it, with the action's id from the build's manifest and its argument as JSON. Used by
// black-box tests that must reach an action without the UI.
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "./gateway";

export const distDir = path.resolve(repoRoot, process.env.RECLAIM_DIST_DIR || ".next");

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename?: string;
  exportedName?: string;
}

export interface ActionRef {
  id: string;
  /** A page that serves it, e.g. "/users". */
  page: string;
}

export interface BuiltAction extends ActionRef {
  /** Where it is defined, e.g. "app/actions/users.ts", and its export name. */
  file: string;
  exportedName: string;
}

/** Every server action the current build serves. */
export function builtActions(): BuiltAction[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(distDir, "server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, ManifestEntry>;
  };
  return Object.entries(manifest.node).map(([id, entry]) => {
    const worker = Object.keys(entry.workers)[0] ?? "app/page";
    const page = worker.replace(/^app/, "").replace(/\/page$/, "") || "/";
    return { id, page, file: entry.filename ?? "", exportedName: entry.exportedName ?? "" };
  });
}

/** The id of `exportedName` from `file` (e.g. "app/actions/users.ts") in the current build. */
export function actionRef(file: string, exportedName: string): ActionRef {
  const found = builtActions().find((action) => action.file === file && action.exportedName === exportedName);
  if (!found) throw new Error(`no server action ${exportedName} from ${file} in ${distDir}`);
  return { id: found.id, page: found.page };
}

export interface ActionCall {
  status: number;
  /** The action's return value, or null when the server answered with something else. */
  result: { ok: boolean; data?: unknown; error?: { code: string; message: string } } | null;
  text: string;
}

/** Posts one call. `cookie` and `origin` are sent as given. */
export async function callAction(
  baseUrl: string,
  action: ActionRef,
  arg: unknown,
  headers: { cookie?: string; origin?: string } = {},
): Promise<ActionCall> {
  const response = await fetch(new URL(action.page, baseUrl), {
    method: "POST",
    redirect: "manual",
    headers: {
      "next-action": action.id,
      "content-type": "text/plain;charset=UTF-8",
      accept: "text/x-component",
      origin: headers.origin ?? new URL(baseUrl).origin,
      ...(headers.cookie ? { cookie: headers.cookie } : {}),
    },
    body: JSON.stringify([arg]),
  });
  const text = await response.text();
  // The RSC answer is one "id:json" line per chunk; the action's value is chunk 1.
  const line = text.split("\n").find((l) => l.startsWith("1:"));
  let result: ActionCall["result"] = null;
  if (line) {
    try {
      result = JSON.parse(line.slice(2)) as ActionCall["result"];
    } catch {
      result = null;
    }
  }
  return { status: response.status, result, text };
}

/** Signs in through Better Auth's HTTP endpoint; returns the cookie header for later calls. */
export async function signInCookie(
  baseUrl: string,
  who: { email: string; password: string },
  origin = new URL(baseUrl).origin,
): Promise<{ status: number; cookie: string; setCookie: string[]; body: string }> {
  const response = await fetch(new URL("/api/auth/sign-in/email", baseUrl), {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  const setCookie = response.headers.getSetCookie();
  const cookie = setCookie.map((c) => c.split(";")[0]).join("; ");
  return { status: response.status, cookie, setCookie, body: await response.text() };
}

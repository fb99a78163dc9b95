// Server actions as what they are on the wire: public POST endpoints. Tests call them by
// their export name, the way an attacker with curl would (ids from the build's manifest),
// without going through the UI.
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";

export const distDir = path.resolve(__dirname, "../..", process.env.RECLAIM_DIST_DIR || ".next");

export interface BuiltAction {
  id: string;
  name: string;
  /** The source file that exports it, e.g. app/actions/uploads.ts. */
  file: string;
  /** A page whose bundle holds it: the path to POST to. */
  pagePath: string;
}

interface ManifestEntry {
  exportedName?: string;
  filename?: string;
  workers: Record<string, unknown>;
}

/** "app/buckets/page" → "/buckets". */
function pagePathOf(worker: string): string {
  const route = worker.replace(/^app/, "").replace(/\/page$/, "");
  return route === "" ? "/" : route;
}

/** Every server action the production build serves. */
export function builtActions(): BuiltAction[] {
  const file = path.join(distDir, "server", "server-reference-manifest.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { node: Record<string, ManifestEntry> };
  return Object.entries(manifest.node).map(([id, entry]) => {
    const worker = Object.keys(entry.workers)[0];
    if (!entry.exportedName || !entry.filename || !worker) throw new Error(`server action ${id}: manifest entry without a name, file or page`);
    return { id, name: entry.exportedName, file: entry.filename, pagePath: pagePathOf(worker) };
  });
}

export function builtAction(name: string): BuiltAction {
  const found = builtActions().find((action) => action.name === name);
  if (!found) throw new Error(`the build serves no server action named ${name}`);
  return found;
}

export interface ActionAnswer {
  status: number;
  /** The action's `{ ok, data | error }`, or null when the answer holds none. */
  result: { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } } | null;
  text: string;
}

/** The `{ ok … }` object in an RSC answer (lines of `<id>:<json>`). */
function resultOf(text: string): ActionAnswer["result"] {
  for (const line of text.split("\n")) {
    const match = /^[0-9a-f]+:(\{.*)$/.exec(line);
    if (!match?.[1]) continue;
    try {
      const value = JSON.parse(match[1]) as { ok?: unknown };
      if (typeof value.ok === "boolean") return value as ActionAnswer["result"];
    } catch {
      // not JSON: another kind of row
    }
  }
  return null;
}

/** POSTs one server action with one argument, as the browser's fetch would. */
export async function callAction(request: APIRequestContext, baseURL: string, name: string, input: unknown): Promise<ActionAnswer> {
  const action = builtAction(name);
  const response = await request.post(new URL(action.pagePath, baseURL).toString(), {
    headers: {
      "next-action": action.id,
      "content-type": "text/plain;charset=UTF-8",
      accept: "text/x-component",
      origin: new URL(baseURL).origin,
    },
    data: JSON.stringify([input]),
    maxRedirects: 0,
  });
  const text = await response.text();
  return { status: response.status(), result: resultOf(text), text };
}

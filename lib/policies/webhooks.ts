import "server-only";
import fs from "node:fs";
import { z } from "zod";
import { ConfigError, webhooksFilePath } from "@/lib/env";
import { insertDelivery, recordDeliveryAttempt } from "@/lib/policies/store";
import type { DeliveryStatus, WebhookFormat, WebhookView } from "@/lib/policies/types";

// Webhooks are server-side configuration, like endpoint profiles: a JSON file named by
// RECLAIM_WEBHOOKS_FILE. A webhook URL often is the secret (Slack's is), so it never leaves
// the server: the browser sees a webhook's id, format and host only, and delivery errors are
// stored without the URL.
//
//   { "webhooks": [
//       { "id": "ops-slack", "format": "slack", "url": { "env": "SLACK_WEBHOOK_URL" } },
//       { "id": "audit", "format": "json", "url": "https://audit.example.com/hooks/reclaim" } ] }

export interface Webhook {
  id: string;
  format: WebhookFormat;
  url: URL;
}

/** A broken webhooks file. `detail` says what is wrong without the file's path (for the browser). */
export class WebhookConfigError extends ConfigError {
  constructor(
    file: string,
    readonly detail: string,
  ) {
    super(`Webhooks file ${file} (RECLAIM_WEBHOOKS_FILE): ${detail}`, "webhooks");
  }
}

const webhookSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "Webhook ids are lowercase letters, digits, - and _."),
  format: z.enum(["json", "slack"]).default("json"),
  /** The URL, or the name of an environment variable holding it. */
  url: z.union([z.string().min(1), z.object({ env: z.string().min(1) })]),
});

const webhooksFileSchema = z.object({ webhooks: z.array(webhookSchema) });

function parseUrl(text: string, file: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookConfigError(file, `${where}: the URL is not a valid absolute URL.`);
  }
  // Only the scheme is named: the rest of a webhook URL may be its secret.
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new WebhookConfigError(file, `${where}: the URL must start with http:// or https:// (it starts with ${url.protocol}).`);
  }
  return url;
}

let cache: { file: string; mtimeMs: number; webhooks: Map<string, Webhook> } | undefined;

/** The configured webhooks (none without RECLAIM_WEBHOOKS_FILE). Throws ConfigError when invalid. */
export function loadWebhooks(): Map<string, Webhook> {
  const file = webhooksFilePath();
  if (!file) return new Map();
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new WebhookConfigError(file, "the file does not exist.");
  if (cache && cache.file === file && cache.mtimeMs === stat.mtimeMs) return cache.webhooks;
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    throw new WebhookConfigError(file, "the file is not valid JSON.");
  }
  const parsed = webhooksFileSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new WebhookConfigError(file, detail);
  }
  const webhooks = new Map<string, Webhook>();
  for (const entry of parsed.data.webhooks) {
    const where = `webhook "${entry.id}"`;
    if (webhooks.has(entry.id)) throw new WebhookConfigError(file, `${where} is defined twice.`);
    let text: string;
    if (typeof entry.url === "string") text = entry.url;
    else {
      const value = process.env[entry.url.env];
      if (!value) throw new WebhookConfigError(file, `${where}: its URL's environment variable is not set.`);
      text = value;
    }
    webhooks.set(entry.id, { id: entry.id, format: entry.format, url: parseUrl(text, file, where) });
  }
  cache = { file, mtimeMs: stat.mtimeMs, webhooks };
  return webhooks;
}

function toWebhookView(webhook: Webhook): WebhookView {
  return { id: webhook.id, format: webhook.format, host: webhook.url.host };
}

export function listWebhookViews(): WebhookView[] {
  return [...loadWebhooks().values()].map(toWebhookView);
}

// ---------------------------------------------------------------- delivery

export interface DeliveryOptions {
  /** POSTs at most (first try included). */
  attempts: number;
  /** Wait before retry 1, 2, …; the last value repeats. */
  backoffMs: readonly number[];
  /** Per POST. */
  timeoutMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { attempts: 4, backoffMs: [2_000, 10_000, 30_000], timeoutMs: 10_000 };

type AttemptResult = { ok: true; status: number } | { ok: false; status: number | null; error: string; retry: boolean };

/** Network failures without the URL: Node's fetch puts the cause's code on `cause`. */
function networkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `No answer within ${Math.round(timeoutMs / 1000)} s.`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : null;
  return code ? `Could not connect (${code}).` : "Could not connect.";
}

async function post(webhook: Webhook, body: string, timeoutMs: number): Promise<AttemptResult> {
  let response: Response;
  try {
    response = await fetch(webhook.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Reclaim-webhook/1" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { ok: false, status: null, error: networkError(error, timeoutMs), retry: true };
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
  // Asked to wait, or the receiver failed: try again. Any other answer will not change.
  const retry = response.status >= 500 || response.status === 408 || response.status === 429;
  return { ok: false, status: response.status, error: `The receiver answered HTTP ${response.status}.`, retry };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * POSTs `payload` to the webhook, retrying network failures, 5xx, 408 and 429 with backoff;
 * each attempt is recorded on a webhook_delivery row. Resolves with the final status.
 */
export async function deliver(
  webhook: Webhook,
  payload: unknown,
  meta: { runId: string; policyId: string; event: string },
  options: DeliveryOptions = DEFAULT_DELIVERY,
): Promise<DeliveryStatus> {
  const id = await insertDelivery({ ...meta, webhookId: webhook.id });
  const body = JSON.stringify(payload);
  for (let attempt = 1; ; attempt++) {
    const result = await post(webhook, body, options.timeoutMs);
    if (result.ok) {
      await recordDeliveryAttempt(id, { status: "delivered", httpStatus: result.status, error: null });
      return "delivered";
    }
    const last = !result.retry || attempt >= options.attempts;
    const status: DeliveryStatus = last ? "failed" : "retrying";
    await recordDeliveryAttempt(id, { status, httpStatus: result.status, error: result.error });
    if (last) return "failed";
    await sleep(options.backoffMs[Math.min(attempt - 1, options.backoffMs.length - 1)] ?? 0);
  }
}

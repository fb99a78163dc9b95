import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { getEnv } from "@/lib/env";

// Who may scrape /api/metrics: whoever sends `Authorization: Bearer <RECLAIM_METRICS_TOKEN>`.
// Nothing else counts — in particular not a browser session: the metrics name every bucket.

export type MetricsAccess = "disabled" | "denied" | "allowed";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** "disabled" when no token is configured (the endpoint then does not exist). */
export function metricsAccess(authorization: string | null, token = getEnv().RECLAIM_METRICS_TOKEN): MetricsAccess {
  if (!token) return "disabled";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match?.[1]) return "denied";
  // Equal-length digests: the comparison takes the same time whatever was sent.
  return timingSafeEqual(digest(match[1]), digest(token)) ? "allowed" : "denied";
}

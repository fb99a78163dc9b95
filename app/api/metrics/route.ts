import { errorMessage, logger } from "@/lib/log";
import { metricsAccess } from "@/lib/metrics/access";
import { scrapeMetrics } from "@/lib/metrics/registry";

// Prometheus scrape endpoint. Bearer token only (RECLAIM_METRICS_TOKEN); without one
// configured it does not exist. A scrape reads what the server already knows: it never
// sends an S3 request.

export const dynamic = "force-dynamic";

const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
  new Response(`${text}\n`, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });

export async function GET(request: Request): Promise<Response> {
  const access = metricsAccess(request.headers.get("authorization"));
  if (access === "disabled") return plain(404, "Not found.");
  if (access === "denied") {
    return plain(401, "Send the metrics token as Authorization: Bearer <token>.", {
      "WWW-Authenticate": 'Bearer realm="reclaim-metrics"',
    });
  }
  try {
    const { body, contentType } = await scrapeMetrics();
    return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
  } catch (error) {
    logger().error({ event: "server-error", route: "/api/metrics", error: errorMessage(error) }, "metrics scrape failed");
    return plain(500, "The metrics could not be collected; see the server log.");
  }
}

import { parseHistoryParams } from "@/lib/ledger/filter-params";
import { currentUser } from "@/lib/auth/session";
import { attemptCostAvoided, profilePrices } from "@/lib/ledger/cost-avoided";
import { csvHeader, csvRows, ledgerCsvColumns } from "@/lib/ledger/csv";
import { attemptChunks } from "@/lib/ledger/history";
import { errorMessage, logger } from "@/lib/log";

// CSV download of the attempts matching the history page's filters (same URL parameters).
// A route handler is not a server action, so it checks the session itself.

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const user = await currentUser();
  if (!user) {
    return new Response("Sign in to export the ledger.\n", {
      status: 401,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const { filter, problems } = parseHistoryParams(new URL(request.url).searchParams);
  if (problems.length > 0) {
    return new Response(`Not exported — fix the filter and try again: ${problems.join(" ")}\n`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }

  // Chunks of rows, each read by its own short query, so a big ledger streams without
  // holding the database (sessions share it) or the whole file in memory.
  const chunks = attemptChunks(filter, 1_000);
  const priceOf = profilePrices();
  const columns = ledgerCsvColumns((entry) => attemptCostAvoided(entry, priceOf));
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvHeader(columns)));
    },
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(csvRows(columns, next.value)));
      } catch (error) {
        logger().error({ event: "server-error", route: "/api/history/export", user: user.email, error: errorMessage(error) }, "CSV export failed");
        controller.error(error);
      }
    },
  });

  const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "").replace("T", "-");
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="reclaim-ledger-${stamp}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

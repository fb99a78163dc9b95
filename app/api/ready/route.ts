import { NextResponse } from "next/server";
import { readiness } from "@/lib/health";

// Readiness probe: 200 when this instance can serve (database with the expected schema,
// valid profiles), 503 otherwise; the body says which check failed and how each profile's
// last inventory went. /api/health is the cheap liveness probe.
export const dynamic = "force-dynamic";

export async function GET() {
  const result = await readiness();
  return NextResponse.json(
    { status: result.ready ? "ready" : "not-ready", ...result },
    { status: result.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}

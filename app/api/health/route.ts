import { NextResponse } from "next/server";

// For scripts and tests: the server is up. Says nothing about storage or users.
export const dynamic = "force-dynamic";

export function GET() {
  return NextResponse.json({ status: "ok", time: new Date().toISOString() });
}

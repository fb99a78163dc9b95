// The dashboard header's status against the real gateway: the ledger totals and one
// lifecycle GET per bucket asked, never a re-listing of uploads (counted by a proxy); a
// gateway that is down leaves the ledger figure and a sentence for "not caught".
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import { notCaught } from "@/lib/lifecycle-coverage";
import { cleanupStatus } from "@/lib/uploads/cleanup-status";
import { scratchAppDatabase } from "../support/database";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy";
import { testProfile, uniqueName } from "./helpers";

// Read lazily by the app code: our own scratch ledger, not the developer's.
const database = await scratchAppDatabase("status");

// Server actions check the session through next/headers; here the signed-in user is set by the test.
const session = vi.hoisted(() => ({ user: null as SessionUser | null }));
vi.mock("@/lib/auth/session", () => ({ currentUser: async () => session.user }));

const BUCKETS = ["reclaim-logs", "reclaim-media"];
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = await startFaultProxy(testProfile("x").endpoint);
});

beforeEach(() => {
  session.user = null;
});

afterAll(async () => {
  await proxy.close();
  await database.drop();
});

describe("cleanupStatus", () => {
  it("reads the ledger and one lifecycle per bucket asked, and lists nothing", async () => {
    const profile = testProfile(uniqueName("status"), { endpoint: proxy.url });
    const first = proxy.requests.length;
    const status = await cleanupStatus(profile, [...BUCKETS, "reclaim-logs"]);

    const sent = proxy.requests.slice(first);
    expect(sent).toHaveLength(BUCKETS.length);
    expect(sent.every((r) => r.method === "GET" && r.query.has("lifecycle"))).toBe(true);
    expect(status.lifecycles).toEqual({
      "reclaim-logs": { status: "none" },
      "reclaim-media": { status: "none" },
    });
    expect(status.reclaimed.allTime).toEqual({ uploads: 0, parts: 0, bytes: 0 });
  });

  it("still answers the ledger when the gateway is down; 'not caught' says why it has no figure", async () => {
    const profile = testProfile(uniqueName("down"), { endpoint: "http://127.0.0.1:1" });
    const status = await cleanupStatus(profile, BUCKETS);
    expect(status.reclaimed.last7d).toEqual({ uploads: 0, parts: 0, bytes: 0 });
    for (const bucket of BUCKETS) {
      expect(status.lifecycles[bucket]).toMatchObject({ status: "error", error: { code: "unreachable" } });
    }

    const rows = BUCKETS.map((bucket) => ({ bucket, key: "k", partsInfo: { bytes: 1 } }));
    const figure = notCaught(rows, status.lifecycles);
    expect(figure.state).toBe("unreadable");
    expect(figure.state === "unreadable" && figure.error.message).toMatch(
      /^No answer from the endpoint .* reading the lifecycle rules of `reclaim-logs` — check that it is up/,
    );
  });
});

describe("cleanupStatusAction", () => {
  const viewer: SessionUser = { id: "v", email: "viewer@reclaim.test", name: "Viewer", role: "viewer" };

  it("lets a viewer read the buckets' rules", async () => {
    const { cleanupStatusAction } = await import("@/app/actions/uploads");
    session.user = viewer;
    expect(await cleanupStatusAction({ profileId: "local", buckets: BUCKETS })).toMatchObject({
      ok: true,
      data: { lifecycles: { "reclaim-logs": { status: "none" }, "reclaim-media": { status: "none" } } },
    });
  });

  it("refuses too many buckets and a missing session with a sentence", async () => {
    const { cleanupStatusAction } = await import("@/app/actions/uploads");
    session.user = viewer;
    const many = Array.from({ length: 1001 }, (_, i) => `b-${i}`);
    expect(await cleanupStatusAction({ profileId: "local", buckets: many })).toEqual({
      ok: false,
      error: { code: "invalid-input", message: "At most 1,000 buckets at a time." },
    });
    session.user = null;
    expect(await cleanupStatusAction({ profileId: "local", buckets: BUCKETS })).toMatchObject({
      ok: false,
      error: { code: "unauthenticated" },
    });
  });
});

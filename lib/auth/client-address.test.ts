import { AsyncLocalStorage } from "node:async_hooks";
import { beforeAll, describe, expect, it, vi } from "vitest";

// How the client address is read from a connection's peer and X-Forwarded-For, with
// 10.0.0.0/24 and ::1 as the trusted proxies (the peer store stands in for scripts/server.js).

const peers = new AsyncLocalStorage<string | undefined>();
let clientAddress: (forwardedFor: string | null) => string | null;

beforeAll(async () => {
  vi.stubEnv("RECLAIM_TRUSTED_PROXIES", "10.0.0.0/24, ::1");
  (globalThis as Record<symbol, unknown>)[Symbol.for("reclaim.socketPeer")] = peers;
  ({ clientAddress } = await import("@/lib/auth/client-address"));
});

const from = (peer: string, forwardedFor: string | null) => peers.run(peer, () => clientAddress(forwardedFor));

describe("clientAddress", () => {
  it("is the socket's peer when that is not a trusted proxy, whatever the header says", () => {
    expect(from("203.0.113.9", "1.2.3.4")).toBe("203.0.113.9");
    expect(from("::ffff:203.0.113.9", null)).toBe("203.0.113.9");
  });

  it("behind a trusted proxy, is the rightmost address that is not a trusted proxy", () => {
    expect(from("10.0.0.5", "198.51.100.7")).toBe("198.51.100.7");
    expect(from("10.0.0.5", "6.6.6.6, 198.51.100.7")).toBe("198.51.100.7");
    expect(from("::1", "6.6.6.6, 198.51.100.7, 10.0.0.9")).toBe("198.51.100.7");
  });

  it("is the leftmost hop when every hop is a trusted proxy, and unknown when a hop is not an address", () => {
    expect(from("10.0.0.5", "10.0.0.7")).toBe("10.0.0.7");
    expect(from("10.0.0.5", "198.51.100.7, not-an-ip")).toBeNull();
  });

  it("is unknown outside a request served by scripts/server.js", () => {
    expect(clientAddress("198.51.100.7")).toBeNull();
  });
});

import "server-only";
import type { AsyncLocalStorage } from "node:async_hooks";
import net from "node:net";
import { getEnv } from "@/lib/env";

// The client's address, for the per-address sign-in limit and the session record. It is the
// peer of the TCP connection (recorded per request by scripts/server.js). Only when that
// peer is one of RECLAIM_TRUSTED_PROXIES is X-Forwarded-For believed, and then read from the
// right: each trusted proxy appended the address it received from, so the first address from
// the right that is not a trusted proxy is the client. Anything left of it the client could
// have written itself.

/** The header Better Auth reads the address from; the auth route sets it, replacing any sent. */
export const CLIENT_ADDRESS_HEADER = "x-reclaim-client-address";

const PEER_STORE = Symbol.for("reclaim.socketPeer");

function peerStore(): AsyncLocalStorage<string | undefined> | undefined {
  return (globalThis as Record<symbol, AsyncLocalStorage<string | undefined> | undefined>)[PEER_STORE];
}

/** Whether requests are served by scripts/server.js, which knows each connection's peer. */
export function knowsSocketPeers(): boolean {
  return peerStore() !== undefined;
}

function plain(address: string): string {
  // "::ffff:10.0.0.1" is the IPv4 address 10.0.0.1 on a dual-stack socket.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

let cached: { source: string[]; list: net.BlockList } | undefined;

function trustedProxies(): net.BlockList {
  const source = getEnv().RECLAIM_TRUSTED_PROXIES;
  if (cached?.source === source) return cached.list;
  const list = new net.BlockList();
  for (const entry of source) {
    const [address = "", prefix] = entry.split("/");
    const family = net.isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(plain(address), family);
    else list.addSubnet(address, Number(prefix), family);
  }
  cached = { source, list };
  return list;
}

function isTrusted(address: string): boolean {
  const family = net.isIP(address);
  return family !== 0 && trustedProxies().check(address, family === 6 ? "ipv6" : "ipv4");
}

/**
 * The client address of the current request, or null when it cannot be known (not served by
 * scripts/server.js, or a trusted proxy sent a malformed header). Better Auth then counts
 * such requests together, which throttles sooner, never later.
 */
export function clientAddress(forwardedFor: string | null): string | null {
  const peer = peerStore()?.getStore();
  if (!peer) return null;
  const socket = plain(peer);
  if (!isTrusted(socket)) return socket;
  const hops = (forwardedFor ?? "").split(",").map((hop) => plain(hop.trim())).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? "";
    if (net.isIP(hop) === 0) return null;
    if (!isTrusted(hop)) return hop;
  }
  // Every hop is a trusted proxy: the request started at the leftmost one.
  return hops[0] ?? socket;
}

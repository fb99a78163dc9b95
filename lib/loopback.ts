import net from "node:net";

/**
 * Whether a URL's hostname names this machine (localhost, 127.0.0.0/8, ::1, or an IPv4-mapped
 * 127 address): plain HTTP to it never crosses a network. One rule for the endpoints' warning,
 * the cookies' Secure flag and the identity provider's issuer.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  return host === "::1" || /^::ffff:127\./i.test(host);
}

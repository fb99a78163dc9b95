// @ts-check
// Plain JS so next.config.js can load it without a TypeScript step.

/**
 * Headers sent with every page and route. Next.js hydration uses inline scripts, so
 * script-src needs 'unsafe-inline' (a nonce would force every page to render dynamically);
 * dev mode additionally needs 'unsafe-eval' for React Refresh.
 * @param {{ dev?: boolean }} [options]
 */
function securityHeaders(options = {}) {
  const dev = options.dev ?? process.env.NODE_ENV === "development";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return [
    { key: "Content-Security-Policy", value: csp },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "same-origin" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  ];
}

module.exports = { securityHeaders };

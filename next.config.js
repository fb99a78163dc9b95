// @ts-check

/** Security headers for every response (CSP details live in lib/security-headers.js). */
const { securityHeaders } = require("./lib/security-headers.js");

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders() }];
  },
};

module.exports = nextConfig;

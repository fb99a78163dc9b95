// @ts-check

/** Security headers for every response (CSP details live in lib/security-headers.js). */
const { securityHeaders } = require("./lib/security-headers.js");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Separate build folders let several checkouts' test runs build side by side.
  distDir: process.env.RECLAIM_DIST_DIR || ".next",
  // One folder to deploy: <distDir>/standalone/server.js with the node_modules it needs
  // (scripts/build.sh adds the static files; scripts/serve.sh runs it).
  output: "standalone",
  // The checkout is the root of the traced files, whatever lockfiles sit in folders above it.
  outputFileTracingRoot: __dirname,
  poweredByHeader: false,
  // One copy of prom-client for every bundle, so all metrics land in one registry.
  serverExternalPackages: ["prom-client"],
  reactStrictMode: true,
  experimental: {
    // A bulk preview of rows chosen in the table carries up to 10,000 refs (bucket, key,
    // upload id): ~1.5 MB with everyday keys, above the 1 MB default.
    serverActions: { bodySizeLimit: "4mb" },
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders() }];
  },
};

module.exports = nextConfig;

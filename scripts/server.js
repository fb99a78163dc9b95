// @ts-check
// The production server: Next.js's request handler behind a plain Node HTTP server, so the
// app knows the address of the peer that opened each connection. `next start` passes that
// on only as X-Forwarded-For, and only when the client sent none — a header any client can
// set. Here each request runs inside an AsyncLocalStorage holding its socket's peer address;
// lib/auth/client-address.ts reads it (and believes X-Forwarded-For only from the proxies
// named in RECLAIM_TRUSTED_PROXIES).
//
// Usage: node server.js [-H host] [-p port]   (serve.sh runs it)
//
// scripts/build.sh puts this file into the standalone build in place of the server.js Next
// generates, so the deployable folder runs it; there it starts the app of that folder with the
// configuration the build recorded, as Next's own standalone server does. Run from scripts/ in
// a checkout, it serves the checkout.
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const { AsyncLocalStorage } = require("node:async_hooks");

/** The app's folder, and the Next config recorded by the build when this is a standalone one. */
function locateApp() {
  for (const entry of fs.readdirSync(__dirname, { withFileTypes: true })) {
    const manifest = path.join(__dirname, entry.name, "required-server-files.json");
    if (entry.isDirectory() && fs.existsSync(manifest)) {
      return { dir: __dirname, conf: JSON.parse(fs.readFileSync(manifest, "utf8")).config };
    }
  }
  return { dir: path.resolve(__dirname, ".."), conf: undefined };
}

/** @param {string[]} argv */
function parseArgs(argv) {
  let hostname = process.env.HOSTNAME || "0.0.0.0";
  let port = Number(process.env.PORT || 3000);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if ((arg === "-H" || arg === "--hostname") && value !== undefined) {
      hostname = value;
      i++;
    } else if ((arg === "-p" || arg === "--port") && value !== undefined) {
      port = Number(value);
      i++;
    } else {
      throw new Error(`unknown argument ${arg}; use -H <host> -p <port>`);
    }
  }
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`not a port: ${port}`);
  return { hostname, port };
}

async function main() {
  const { hostname, port } = parseArgs(process.argv.slice(2));
  // A production server, whatever the caller's environment says.
  Object.assign(process.env, { NODE_ENV: "production" });

  /** @type {AsyncLocalStorage<string | undefined>} */
  const socketPeer = new AsyncLocalStorage();
  /** @type {Record<symbol, unknown>} */ (globalThis)[Symbol.for("reclaim.socketPeer")] = socketPeer;

  const { dir, conf } = locateApp();
  if (conf) {
    // What Next's generated standalone server.js does: its folder is the working directory,
    // and the config comes from the build, not from a next.config.js (there is none).
    process.chdir(dir);
    process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(conf);
  }
  const next = require("next");
  const server = http.createServer();
  const app = next({ dev: false, dir, conf, hostname, port, httpServer: server });
  const handle = app.getRequestHandler();
  await app.prepare();
  server.on("request", (req, res) => {
    socketPeer.run(req.socket.remoteAddress, () => {
      handle(req, res).catch((error) => {
        console.error("Reclaim: request failed:", error instanceof Error ? error.message : error);
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve(undefined));
  });
  console.log(`Reclaim: listening on http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`);

  const stop = () => {
    server.close();
    app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

# Reclaim as a container image: the standalone build on Node.js 24, run as an unprivileged
# user, its state (SQLite ledger, sessions, generated auth secret) in a volume. The steps are the
# ones `npm test` runs before its end-to-end tests: scripts/build.sh, then the folder's serve.sh.
# (This image build itself is not run by the tests: README, "Run it in a container".)

FROM node:24-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN bash scripts/build.sh

FROM node:24-bookworm-slim
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/reclaim --shell /usr/sbin/nologin reclaim \
 && install -d -o reclaim -g reclaim -m 0700 /var/lib/reclaim
# Owned by root: the server can read its code, not change it.
COPY --from=build /src/.next/standalone /opt/reclaim
WORKDIR /opt/reclaim
ENV NODE_ENV=production \
    RECLAIM_DB_FILE=/var/lib/reclaim/reclaim.sqlite \
    RECLAIM_PROFILES_FILE=/etc/reclaim/profiles.json
VOLUME /var/lib/reclaim
USER reclaim
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["/opt/reclaim/serve.sh", "-H", "0.0.0.0", "-p", "3000"]

# syntax=docker/dockerfile:1
# Ketenpoort as a container: the compiled JavaScript (dist/, made by `npm run build`) run by plain
# Node, with production dependencies only, as an unprivileged user. One image serves every role:
#   docker run … ketenpoort serve                 the gateway (default)
#   docker run … ketenpoort adapter uwv|cwi|gemeente
#   docker run … ketenpoort sandbox uwv|cwi|gemeente   (a partner stand-in, for test environments)
# compose.yaml beside this file runs the distributed layout; tests/operability/compose-layout.test.ts
# starts that same layout as plain processes.

# --- build: all dependencies, Prisma client generated, TypeScript compiled to dist/ -------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY gateway ./gateway
COPY adapters ./adapters
COPY lib ./lib
COPY schema ./schema
COPY bench ./bench
COPY patches ./patches
# npm ci runs the postinstall: patch-package (patches/), `prisma generate` (offline, in WASM) and
# `npm run build` (tsc → dist/, bundled with the patched packages, so the runtime needs no patching).
RUN npm ci --no-audit --no-fund

# --- runtime: production dependencies and dist/ only ---------------------------------------------
FROM node:20-bookworm-slim AS runtime
# NODE_OPTIONS: the young generation's size, which V8 takes only at start (gateway/cli/v8-settings.ts,
# NODE_START_FLAGS): ~15 MB less per process at the same rate. `-e NODE_OPTIONS=…` replaces it.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the postinstall builds from TypeScript, which this stage neither has nor needs.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The image's files belong to root and are read-only for the service; it writes nowhere but /tmp
# (PostgreSQL holds the state: DATABASE_URL is required in production).
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.ADAPTER_PORT||process.env.SANDBOX_PORT||process.env.PORT)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/ketenpoort.js"]
CMD ["serve"]

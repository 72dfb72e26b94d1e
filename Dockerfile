# syntax=docker/dockerfile:1
# One image recipe for every Lumen service: `--build-arg SERVICE=<app> --build-arg PORT=<port>`
# (docker-compose.yml builds each with its own pair). Three stages: the TypeScript build, the
# production dependencies, and a slim runtime holding only those two results, run as `node`.
# Checked by test/deploy/dockerfile.int-spec.ts (no Docker engine runs where it is developed).

# Pin by digest in production (node:24-slim@sha256:...); the tag follows Node 24's patches.
ARG NODE_IMAGE=node:24-slim

# --- build: every dependency (TypeScript is a devDependency), then tsc -----------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the `node` devDependency would otherwise download a second Node binary,
# and nothing the compiler needs has an install script.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
COPY scripts ./scripts
RUN npx tsc -p tsconfig.build.json && rm -f dist/.tsbuildinfo

# --- deps: production dependencies only ---------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime --------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG PORT
RUN test -n "${SERVICE}" && test -n "${PORT}" \
  || (echo 'build with --build-arg SERVICE=<app> --build-arg PORT=<port>' >&2 && exit 1)
ENV NODE_ENV=production \
    LUMEN_SERVICE=${SERVICE} \
    PORT=${PORT} \
    HOST=0.0.0.0 \
    LUMEN_KEYS_DIR=/var/lib/lumen/keys
WORKDIR /app
# package.json stays: its "imports" map resolves #lumen/<lib> to dist/libs at run time.
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
COPY --chown=root:root package.json ./
# The operations page's static files (tsc copies no HTML); only the operations app reads them.
COPY --chown=root:root apps/operations/public ./apps/operations/public
COPY --chown=root:root --chmod=0755 docker/entrypoint.sh docker/healthcheck.mjs /usr/local/lib/lumen/
# The code is root's and read-only to the service; only its data folder is writable.
# Mount points exist in the image, owned by node, so a new named volume mounted on one starts
# out writable by the service (Docker copies the ownership of the directory it covers).
RUN mkdir -p /var/lib/lumen/service /var/lib/lumen/secrets /var/lib/lumen/gateway \
    /var/lib/lumen/carrier /var/lib/lumen/payment /var/lib/lumen/export/postgres \
    /var/lib/lumen/export/checkout /var/lib/lumen/export/payment /var/lib/lumen/export/fulfilment \
    /var/lib/lumen/export/privacy /var/lib/lumen/export/carrier-simulator \
  && chown -R node:node /var/lib/lumen
USER node
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "/usr/local/lib/lumen/healthcheck.mjs"]
ENTRYPOINT ["/usr/local/lib/lumen/entrypoint.sh"]
CMD ["service"]

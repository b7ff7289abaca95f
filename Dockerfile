# mockidp as a container: `docker build -t mockidp . && docker run --rm -p 9000:9000 mockidp`
#
# Two stages. The build stage has the whole toolchain (npm, esbuild, tsc) and bundles the CLI into
# one file, dist/cli.js, which needs no node_modules. The runtime stage is distroless (node and its
# libraries, no shell, no package manager), runs as uid 65532 and holds only:
#   /app/dist/cli.js            the bundled server (+ dist/chunks/cli/: HTTPS code, loaded on use;
#                               dist/console/app.js: the console's browser script)
#   /app/fixtures/              vendor profiles and signing keys (read at start-up)
#   /app/package.json           read for --version
#   /app/mockidp.config.json    the package's built-in default config
#   /app/node_modules/redis …   the Redis client, imported only with a Redis store (MOCKIDP_STORE)
#   /config/mockidp.config.json the config it starts with: mount your own file over it
#   /tls                        the development CA (ca.pem, ca-key.pem), made on first start:
#                               mount a volume there to keep it (and trust it) across containers
# Works with the classic builder and BuildKit alike (no BuildKit-only syntax).

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
# marks this stage's intermediate images, so that stale ones can be pruned selectively
# (docker image prune --filter label=mockidp.stage=build)
LABEL mockidp.stage="build"
WORKDIR /src
# One COPY and one RUN: node_modules (~190 MB of build and test tooling) is installed, used and
# deleted within a single layer, so it is never committed as a layer of its own. That keeps the build
# fast and small on every storage driver (with vfs each layer is a full copy of the one below) at the
# price of a fresh `npm ci` whenever a source file changes. --ignore-scripts skips "prepare" (a
# second build); .dockerignore lets through only what the build needs.
COPY . .
# The Redis client (the optional peer `redis`, node-redis) goes in too: `MOCKIDP_STORE=redis://…`
# (or --store, or store.redis in the config) imports it from /app/node_modules, and only then. Its
# JavaScript and package.json files only (no source maps, no type declarations): about 1.6 MB.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm run build \
 && mkdir -p /out/app/dist /out/app/node_modules /out/config /out/tls \
 && (cd node_modules && for p in redis @redis/client @redis/bloom @redis/json @redis/search @redis/time-series; do \
      find "$p" -type f \( -name '*.js' -o -name '*.json' \) ! -path '*/node_modules/*' -exec cp --parents {} /out/app/node_modules/ \; ; done) \
 && rm -rf node_modules /root/.npm \
 && cp -r dist/cli.js dist/chunks dist/console /out/app/dist/ \
 && rm -rf /out/app/dist/chunks/lib \
 && cp -r fixtures package.json mockidp.config.json /out/app/ \
 && cp mockidp.config.json /out/config/mockidp.config.json \
 && chmod -R a+rX,go-w /out \
 && chown 65532:65532 /out/tls && chmod 755 /out/tls

FROM gcr.io/distroless/nodejs${NODE_VERSION}-debian12:nonroot
ARG NODE_VERSION
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="mockidp" \
      org.opencontainers.image.description="A mock GenAuth / Authing / PingOne / Asgardeo identity provider for development and tests. Not for production: its keys, secrets and users are public." \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="gcr.io/distroless/nodejs${NODE_VERSION}-debian12:nonroot"
COPY --from=build /out/ /
# (a COPY --from keeps the build stage's owners: /tls belongs to the runtime user, so a named
# volume mounted there starts out writable by it)
WORKDIR /app
# inside the container listen on every interface; the host decides what to publish (-p).
# HTTPS on 443 (a container's unprivileged ports start at 0, so uid 65532 may bind it), with a
# certificate from the CA in /tls; plain HTTP on 9000 as before. MOCKIDP_HTTPS=0 turns HTTPS off
# (then PORT is the plain port).
# No NODE_ENV=production: mockidp refuses to start with it (it is not for production).
# MOCKIDP_STORE is not set here: `-e MOCKIDP_STORE=redis://redis:6379/0` (compose: environment) makes
# replicas share one Redis (README: Several replicas; examples/replicas/).
ENV HOST=0.0.0.0 \
    PORT=443 \
    MOCKIDP_HTTPS=1 \
    MOCKIDP_HTTP_PORT=9000 \
    MOCKIDP_TLS_DIR=/tls \
    MOCKIDP_CONFIG=/config/mockidp.config.json
EXPOSE 443 9000
# distroless "nonroot" (65532); numeric so that runAsNonRoot policies can verify it
USER 65532:65532
# no shell or curl in the image: node itself probes /healthz over plain HTTP (on $MOCKIDP_HTTP_PORT
# with HTTPS on, else on $PORT, so -e PORT=… / -e MOCKIDP_HTTPS=0 keep it right)
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/nodejs/bin/node", "-e", "const e=process.env,on=/^(1|true|yes|on)$/i.test(e.MOCKIDP_HTTPS||'');fetch('http://127.0.0.1:'+((on&&e.MOCKIDP_HTTP_PORT)||e.PORT||9000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# the CLI stops at once on SIGTERM (and SIGINT); node is PID 1, so no init is needed for that
STOPSIGNAL SIGTERM
# arguments after the image name go to mockidp: `docker run mockidp --help` (setting ENTRYPOINT
# also clears the base image's CMD)
# a 2 MB semi-space keeps a long-running server's RSS flat (~85 MiB after 1M tokens, bench/README.md);
# the bin leaves it out because heap flags make node skip its start-up snapshot (~25 ms)
ENTRYPOINT ["/nodejs/bin/node", "--max-semi-space-size=2", "/app/dist/cli.js"]

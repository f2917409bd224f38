# syntax=docker/dockerfile:1
#
# One image for all nine services. APP selects the service at run time:
#   docker build -t bizosaas/platform:dev .
#   docker run -e APP=campaign -e PORT=8002 ... bizosaas/platform:dev
# The `migrate` target is the one-off migration image (`npm run db:migrate`); it needs the
# dev dependencies (Prisma's schema engine), so it is built apart from the slim runtime.
#   docker build --target migrate -t bizosaas/platform-migrate:dev .

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NX_NO_CLOUD=true \
    NX_DAEMON=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# Only the manifests of the workspaces (mirrors package.json "workspaces"), so the install
# layers below stay cached until a dependency changes, not on every source edit.
FROM base AS manifests
COPY . /src
RUN cd /src \
 && cp --parents package.json package-lock.json .npmrc apps/*/package.json libs/*/package.json tools/package.json /app/

# Install scripts are skipped: prisma's postinstall downloads engines, nx's and
# embedded-postgres's are for developer machines; esbuild runs from its platform package.
# The `node` dev dependency's preinstall downloads Node 24 for machines whose own Node is older;
# skipped, it links no node_modules/.bin/node, so npm scripts here run the image's Node 24, and
# --omit=dev leaves the package out of the runtime.
FROM base AS deps
COPY --from=manifests /app/ ./
RUN npm ci --ignore-scripts

FROM deps AS build
COPY . .
# Prisma clients first (apps/*/src/generated, bundled into each app), then every app to
# apps/<name>/dist/main.js with the workspace libs inlined and node_modules external
RUN npm run db:generate \
 && npm run build \
 && mkdir -p /out \
 && for dist in apps/*/dist; do mkdir -p "/out/$dist" && cp -R "$dist/." "/out/$dist/"; done

FROM base AS prod-deps
COPY --from=manifests /app/ ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# One-off migration image: the build stage (sources, dev dependencies, generated client).
FROM build AS migrate
ENV NODE_ENV=production \
    NPM_CONFIG_CACHE=/tmp/.npm
USER 1000:1000
CMD ["npm", "run", "db:migrate"]

FROM base AS runtime
ARG APP=api-gateway
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    HOST=0.0.0.0 \
    APP=${APP}
COPY --from=prod-deps /app/ ./
COPY --from=build /out/ ./
# numeric uid (the image's `node` user) so Kubernetes can verify runAsNonRoot
USER 1000:1000
# compose and Kubernetes define their own checks; this one serves a plain `docker run`
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# exec: node is PID 1 and receives SIGTERM itself (service-kit drains on it)
CMD ["sh", "-c", "test -f \"apps/$APP/dist/main.js\" || { echo \"unknown APP '$APP' (no apps/$APP/dist/main.js)\" >&2; exit 64; }; exec node \"apps/$APP/dist/main.js\""]

# syntax=docker/dockerfile:1
#
# cordform as a container image: `cordform run` by default, every other command available.
#
#   docker build -t cordform .
#   docker run --rm -p 8080:8080 -e DISCORD_BOT_TOKEN \
#     -v "$PWD/cordform.yaml:/config/cordform.yaml:ro" cordform
#
# Two stages: the build stage compiles TypeScript with the dev dependencies, the runtime
# stage gets only dist/, bin/, schema/ and production node_modules, and runs as the
# unprivileged `node` user. ENTRYPOINT is exec form, so node is PID 1 and receives SIGTERM
# itself: `cordform run` stops taking events, drains in-flight actions (up to 45 s) and exits 0.
# See docs/runtime.md "Deployment".

ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts
COPY scripts ./scripts
COPY schema ./schema
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./
COPY bin ./bin
COPY schema ./schema
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Files stay root-owned and read-only to the process; it writes nothing but stdout.
USER node
EXPOSE 8080
STOPSIGNAL SIGTERM
# 200 once every gateway shard is READY (a sharded start waits for its IDENTIFY slot: up to 6 s per max_concurrency bucket).
# The port is the CMD's --port; change both together.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/cordform"]
CMD ["run", "-f", "/config/cordform.yaml", "--host", "0.0.0.0", "--port", "8080"]

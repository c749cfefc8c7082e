# One image for the API and the worker (docker-compose.yml picks the command).
# Debian (glibc), not Alpine: @temporalio/core-bridge ships a native library built for glibc.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the root postinstall fetches the Temporal CLI for tests, and no dependency's
# install script is needed to compile.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# Two glibc malloc arenas instead of one per thread that allocates (up to 8 per core): the worker's
# Temporal core threads otherwise keep freed native memory resident in many half-empty arenas
# (scripts/lib/worker-memory-settings.ts; the worker's V8 flags come with its command, compose's).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/api/server.js"]

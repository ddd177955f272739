# syntax=docker/dockerfile:1
# The bot for production (AZURE_MODE=live), for Azure Container Apps or App Service for Containers:
#   docker build -t ade-backup-bot .
#   docker run -p 3978:3978 --env-file env/.env.dev --env-file env/.env.dev.user ade-backup-bot
# Three stages: compile TypeScript, install production dependencies (better-sqlite3 is native), and a small runtime
# that runs `node dist/index.js` as the unprivileged `node` user.
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Compile: every dependency (TypeScript is a dev dependency), then `npm run build` into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies only. better-sqlite3 13 ships N-API prebuilds; where none can be fetched, node-gyp
#    compiles it with this stage's toolchain and the image's Node headers. Nothing of this stage's toolchain ships.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev \
 && node -e "new (require('better-sqlite3'))(':memory:').close()" \
 && npm cache clean --force

# 3. Runtime: dist/, the card templates (read at run time from ../cards), package.json (the version /healthz reports).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    AZURE_MODE=live \
    PORT=3978 \
    SQLITE_PATH=/app/.data/bot.sqlite
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node cards ./cards
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3978
# /healthz answers 200 while the bot is up (503 when failing); the managed-identity state is in its body.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/index.js"]

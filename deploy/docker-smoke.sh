#!/bin/sh
# Builds the portal's image and proves it on this host against the host's PostgreSQL and Redis (host
# networking): the migrations from an empty database, gunicorn's HEALTHCHECK turning "healthy",
# /healthz and /readyz, a public page in Korean, an inquiry sent through the form landing in the
# database, and the mail worker delivering its mail to a local SMTP sink. First with plain
# `docker run`, then the same through compose.yaml (+ deploy/compose.local.yaml) when `docker
# compose` is there. It creates and drops its own database; it leaves no container running.
#
# Needs: a Docker daemon, curl, and a PostgreSQL role that may create databases. Where Docker Hub is
# out of reach it first makes the base image from Debian's packages (deploy/docker-base.sh: root and
# debootstrap). Settings (environment):
#   BASE_IMAGE  default invest-portal-base:bookworm; python:3.11-slim-bookworm where Docker Hub answers
#   PG_URL      default postgresql://postgres@127.0.0.1:5432   REDIS_URL  default redis://127.0.0.1:6379
#   SMOKE_DB    default portal_docker (dropped at the end)     SMOKE_PORT default 18000 (gunicorn)
#   SMOKE_SMTP_PORT default 18025                              SKIP_COMPOSE=1: plain docker only
set -eu
cd "$(dirname "$0")/.."

BASE_IMAGE=${BASE_IMAGE:-invest-portal-base:bookworm}
IMAGE=invest-portal:latest
PG_URL=${PG_URL:-postgresql://postgres@127.0.0.1:5432}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
DB=${SMOKE_DB:-portal_docker}
PORT=${SMOKE_PORT:-18000}
SMTP_PORT=${SMOKE_SMTP_PORT:-18025}
HOST=portal.smoke.test
RUN=smoke-$(date +%s)
WORK=$(mktemp -d)
ENV_FILE=$WORK/portal.env
SMTP=invest-smoke-smtp
COMPOSE="docker compose -p invest-portal-smoke -f compose.yaml -f deploy/compose.local.yaml"
compose_up=""

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }
in_image() { docker run --rm --network host "$IMAGE" "$@"; }
sql() { in_image psql "$PG_URL/$1" -v ON_ERROR_STOP=1 -Atc "$2"; }
status_of() { curl -s -o /dev/null -w '%{http_code}' -H "Host: $HOST" "http://127.0.0.1:$PORT$1"; }

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every second until it succeeds
# logged LOG COMMAND...: runs COMMAND into $WORK/LOG, shows its end, and stops the smoke test if it failed
logged() {
    log=$WORK/$1
    shift
    if "$@" >"$log" 2>&1; then tail -3 "$log"; else tail -40 "$log"; fail "$*"; fi
}

wait_for() {
    limit=$1 what=$2
    shift 2
    waited=0
    until "$@" >/dev/null 2>&1; do
        waited=$((waited + 1))
        [ "$waited" -lt "$limit" ] || fail "$what (waited ${limit}s)"
        sleep 1
    done
    echo "$what: after ${waited}s"
}

cleanup() {
    set +e
    docker rm -f -v invest-smoke-web invest-smoke-worker "$SMTP" >/dev/null 2>&1
    [ -z "$compose_up" ] || $COMPOSE down -v --remove-orphans >/dev/null 2>&1
    sql postgres "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fresh_database() {
    sql postgres "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
    sql postgres "CREATE DATABASE $DB" >/dev/null
}

healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' "$1")" = healthy ]; }
mail_seen() { docker logs "$SMTP" 2>&1 | grep -q "$1"; }

# prove WEB_CONTAINER LABEL: the checks, on the running web container and worker
prove() {
    web=$1 label=$2
    step "$label: the container's HEALTHCHECK"
    wait_for 120 "health status healthy" healthy "$web"
    docker inspect -f '{{.State.Health.Status}}; checks so far (time, exit code, output):{{range .State.Health.Log}}
  {{.Start.Format "15:04:05"}} {{.ExitCode}} {{printf "%.80q" .Output}}{{end}}' "$web"
    step "$label: /healthz, /readyz"
    [ "$(status_of /healthz)" = 200 ] || fail "/healthz answered $(status_of /healthz)"
    curl -s -H "Host: $HOST" "http://127.0.0.1:$PORT/readyz"; echo
    [ "$(status_of /readyz)" = 200 ] || fail "/readyz answered $(status_of /readyz)"
    echo "/healthz 200, /readyz 200"
    step "$label: the home page in Korean"
    page=$(curl -s -H "Host: $HOST" -H "X-Forwarded-Proto: https" "http://127.0.0.1:$PORT/ko/")
    [ "$(status_of /ko/)" = 200 ] || fail "/ko/ answered $(status_of /ko/)"
    printf '%s' "$page" | grep -q '<html[^>]*lang="ko"' || fail "/ko/ is not in Korean"
    printf '%s' "$page" | grep -o '<title>[^<]*</title>'
    step "$label: an inquiry through the form (ko)"
    email="investor+$label-$RUN@example.com"
    in_image python deploy/smoke/inquire.py "http://127.0.0.1:$PORT" "$HOST" ko "$email" > "$WORK/thanks.html" \
        || fail "the inquiry was not accepted"
    head -1 "$WORK/thanks.html"
    reference=$(sql "$DB" "SELECT reference FROM leads WHERE email = '$email'")
    [ -n "$reference" ] || fail "no lead stored for $email"
    echo "stored: lead $reference"
    sql "$DB" "SELECT reference, kind, name, company, country, preferred_language FROM leads WHERE email = '$email'"
    grep -q "$reference" "$WORK/thanks.html" && echo "the thank-you page shows $reference"
    step "$label: the worker sends its mail"
    wait_for 90 "mail naming $reference at the SMTP sink" mail_seen "$reference"
    sql "$DB" "SELECT o.kind, o.recipient, o.status FROM outbox o JOIN leads l ON l.id = o.lead_id
               WHERE l.reference = '$reference' ORDER BY o.id"
    docker logs "$SMTP" 2>&1 | grep -E "^MAIL|$reference"
}

step "docker $(docker version -f 'client {{.Client.Version}}, daemon {{.Server.Version}}')"
if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && [ "${BASE_IMAGE#invest-portal-base}" != "$BASE_IMAGE" ]; then
    step "base image $BASE_IMAGE from Debian's packages"
    deploy/docker-base.sh "$BASE_IMAGE"
fi

step "build $IMAGE on $BASE_IMAGE"
logged build.log docker build --network host --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$IMAGE" .
docker image ls "$IMAGE" --format 'image {{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}'
in_image sh -c 'echo "user $(id -un), $(python --version), $(command -v python), pg_dump $(pg_dump --version | cut -d" " -f3)"'

cat > "$ENV_FILE" <<EOF
PORTAL_ENV=production
SECRET_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
PORTAL_BASE_URL=https://$HOST
DATABASE_URL=postgresql+psycopg://${PG_URL#*://}/$DB
RATELIMIT_STORAGE_URI=$REDIS_URL/0
RATELIMIT_KEY_PREFIX=$RUN
PAGE_CACHE_REDIS_URL=$REDIS_URL/1
PAGE_CACHE_PREFIX=$RUN:pages:
GUNICORN_BIND=127.0.0.1:$PORT
GUNICORN_WORKERS=2
PROXY_FIX_HOPS=1
TRUSTED_PROXIES=127.0.0.1,::1
LOG_FORMAT=json
MAIL_SERVER=127.0.0.1
MAIL_PORT=$SMTP_PORT
MAIL_USE_TLS=0
MAIL_DEFAULT_SENDER=Invest Portal <no-reply@$HOST>
PORTAL_LEADS_EMAIL=invest@$HOST
EOF

step "SMTP sink on 127.0.0.1:$SMTP_PORT"
docker run -d --name "$SMTP" --network host "$IMAGE" python deploy/smoke/smtp_sink.py "127.0.0.1:$SMTP_PORT" >/dev/null
wait_for 30 "SMTP sink listening" sh -c "docker logs $SMTP 2>&1 | grep -q 'smtp sink on'"

step "docker run: migrations on an empty database ($DB)"
fresh_database
logged migrate.log docker run --rm --network host --env-file "$ENV_FILE" "$IMAGE" flask --app app db upgrade
docker run -d --name invest-smoke-web --network host --env-file "$ENV_FILE" "$IMAGE" >/dev/null
docker run -d --name invest-smoke-worker --network host --env-file "$ENV_FILE" "$IMAGE" flask --app app outbox work >/dev/null
prove invest-smoke-web docker-run
docker rm -f -v invest-smoke-web invest-smoke-worker >/dev/null

if [ -n "${SKIP_COMPOSE:-}" ] || ! docker compose version >/dev/null 2>&1; then
    step "compose: skipped (SKIP_COMPOSE set or no docker compose)"
    exit 0
fi
step "compose ($(docker compose version --short)): compose.yaml + deploy/compose.local.yaml, on an empty database"
export BASE_IMAGE REDIS_URL PORTAL_ENV_FILE="$ENV_FILE" POSTGRES_PASSWORD=unused-with-the-hosts-postgresql
export DATABASE_URL="postgresql+psycopg://${PG_URL#*://}/$DB" PG_READY_URL="$PG_URL/postgres"
fresh_database
compose_up=1
logged compose-build.log $COMPOSE build web  # one image for migrate, web, worker and scheduler
logged compose-migrate.log $COMPOSE run --rm migrate
logged compose-up.log $COMPOSE up -d
$COMPOSE ps --format 'table {{.Service}}\t{{.Status}}'
prove "$($COMPOSE ps -q web)" compose
$COMPOSE ps -a --format 'table {{.Service}}\t{{.Status}}'
step "compose: the scheduler's first round"
$COMPOSE logs --no-log-prefix scheduler 2>&1 | tail -5
step "all proven"

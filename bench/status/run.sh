#!/usr/bin/env bash
# Status page under load: the in-app render cache vs nginx serving the static export of the same page.
#
#   bench/status/run.sh            (installs wrk and nginx-light with apt-get when missing; needs root then)
#
# Knobs: DUR=10s WARMUP=10s THREADS=2 CONNS=64 WORKERS=2 (`warroom serve --workers`: as many processes as nginx,
# which runs one per core). The warm-up covers start-up: each process compiles its templates and runs every
# periodic job once in its first seconds. Every server is started in the background,
# tracked by PID and stopped by PID. Scratch state lives in a mktemp directory removed at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
apt_ensure wrk:wrk nginx:nginx-light || die "needs wrk and nginx"
DUR=${DUR:-10s} WARMUP=${WARMUP:-10s} THREADS=${THREADS:-2} CONNS=${CONNS:-64} WORKERS=${WORKERS:-2}
APP_PORT=${APP_PORT:-18090} NGINX_PORT=${NGINX_PORT:-18091}
TMP=$(mktemp -d /tmp/bench-status.XXXXXX)
chmod 755 "$TMP"  # nginx workers (www-data) must read the export
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT

export WARROOM_DATABASE_URL="sqlite:///$TMP/warroom.db" WARROOM_MODE=demo
"$ROOT/.venv/bin/warroom" migrate >/dev/null
"$ROOT/.venv/bin/python" -c 'from warroom.cli import CliApp; from warroom.settings import Settings; from warroom import demo, handlers
handlers.load_all(); app = CliApp(settings=Settings.from_env())
with app.ctx() as ctx: demo.load(ctx)'
"$ROOT/.venv/bin/warroom" status export "$TMP/site" >/dev/null
chmod -R a+rX "$TMP/site"

"$ROOT/.venv/bin/warroom" serve --host 127.0.0.1 --port "$APP_PORT" --workers "$WORKERS" --no-access-log \
  --no-migrate >"$TMP/app.log" 2>&1 &
PIDS+=($!)
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx.conf" <<CONF
worker_processes auto;
error_log $TMP/nginx/error.log warn;
pid $TMP/nginx/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    include /etc/nginx/mime.types;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx/body; proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fcgi; uwsgi_temp_path $TMP/nginx/uwsgi; scgi_temp_path $TMP/nginx/scgi;
    server { listen 127.0.0.1:$NGINX_PORT; root $TMP/site; index index.html; }
}
CONF
nginx -p "$TMP/nginx" -c "$TMP/nginx.conf" -g 'daemon off;' >"$TMP/nginx.log" 2>&1 &
PIDS+=($!)
for url in "http://127.0.0.1:$APP_PORT/status" "http://127.0.0.1:$NGINX_PORT/index.html"; do
  for _ in $(seq 100); do curl -fsS -o /dev/null "$url" && break; sleep 0.2; done
done

measure() {  # name url
  wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "$2" >/dev/null
  local out; out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --timeout 5s --latency "$2")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p99" "${errors:-none}"
}
echo "wrk -t$THREADS -c$CONNS -d$DUR --latency; warroom serve --workers $WORKERS; $(nproc) cores; $(date -u +%FT%TZ)"
echo "| target | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
measure "app /status (render cache)" "http://127.0.0.1:$APP_PORT/status"
measure "nginx index.html (static export)" "http://127.0.0.1:$NGINX_PORT/index.html"
measure "app /status/api/v2/summary.json" "http://127.0.0.1:$APP_PORT/status/api/v2/summary.json"
measure "nginx api/v2/summary.json" "http://127.0.0.1:$NGINX_PORT/api/v2/summary.json"

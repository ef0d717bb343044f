#!/usr/bin/env bash
# Alert intake throughput and latency: Warroom beside Prometheus Alertmanager, same machine, same workload.
#
#   bench/intake/run.sh              RUNS=3 DUR=10s CONNS=64 by default; prints a table with the ratios
#   PG_URL="$(scripts/postgres)" bench/intake/run.sh      the same with Warroom on PostgreSQL
#
# Workloads (wrk, closed loop, 64 connections): "single" = one alert per request over 1,000 distinct
# label sets (dedup exercised), "batch" = 100 alerts per request. Then open-loop runs at a fixed
# 1,000 alerts/s against Warroom for latency (bench/intake/openloop.py): "openloop_cold" is the first
# 10 s on an empty database (its first 1,000 alerts are new: the full pipeline), "openloop" the next
# 10 s (every alert known: the steady state the wrk workloads measure too). Warroom runs as
# `warroom serve --workers $WORKERS` (default 2: one process per core, as Alertmanager uses every core)
# on a fresh SQLite file (or PostgreSQL database, with PG_URL). Loopback only; every run is bounded by DUR.
# Needs root for apt-get the first time (wrk, prometheus-alertmanager).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
RUNS="${RUNS:-3}"
DUR="${DUR:-10s}"
CONNS="${CONNS:-64}"
THREADS="${THREADS:-2}"
WORKERS="${WORKERS:-2}"
AM_PORT="${AM_PORT:-19093}"
WR_PORT="${WR_PORT:-18001}"
# PG_URL runs Warroom on PostgreSQL instead of a SQLite file: a server URL (scripts/postgres prints one);
# each Warroom start gets a new database, warroom_bench_intake, dropped and created there.
PG_URL="${PG_URL:-}"
HERE=bench/intake

apt_ensure wrk:wrk prometheus-alertmanager:prometheus-alertmanager || die "needs wrk and prometheus-alertmanager"
ensure_venv >/dev/null
install_project >/dev/null

work="$(mktemp -d /tmp/warroom-bench-intake.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

wait_http() { # wait_http URL : until it answers (any status), at most 30 s
    for _ in $(seq 1 150); do curl -s -o /dev/null -m 1 "$1" && return 0; sleep 0.2; done
    die "nothing answered at $1"
}

measure() { # measure LABEL URL BATCH : one warm-up and one measured wrk run; prints the RESULT line
    # The warm-up sends all 1,000 label sets (100 per request) to both systems, so the measured run is the
    # steady state the issue describes: every alert already known, dedup exercised on each request.
    # One connection, so nothing is left queued in the server when the warm-up ends.
    BENCH_BATCH=100 BENCH_PATH="$(python3 -c 'import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).path)' "$2")" \
        wrk -t1 -c1 -d5s -s "$HERE/post_alerts.lua" "$2" >/dev/null 2>&1 || true
    sleep 1
    BENCH_BATCH="$3" BENCH_PATH="$(python3 -c 'import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).path)' "$2")" \
        wrk -t"$THREADS" -c"$CONNS" -d"$DUR" --timeout 5s --latency -s "$HERE/post_alerts.lua" "$2" |
        grep '^RESULT' | sed "s/^RESULT/$1/"
}

start_alertmanager() {
    rm -rf "$work/am"
    mkdir -p "$work/am"
    cat >"$work/am/config.yml" <<YAML
route: {receiver: sink, group_by: [alertname, team], group_wait: 1s, group_interval: 5s, repeat_interval: 1h}
receivers: [{name: sink, webhook_configs: [{url: 'http://127.0.0.1:9/nowhere', send_resolved: false}]}]
YAML
    prometheus-alertmanager --config.file="$work/am/config.yml" --storage.path="$work/am" \
        --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= >"$work/am/log" 2>&1 &
    pids+=($!)
    wait_http "http://127.0.0.1:$AM_PORT/-/ready"
}

fresh_database_url() { # a fresh, empty database: a SQLite file, or with PG_URL a new PostgreSQL database
    if [ -z "$PG_URL" ]; then
        rm -f "$work/warroom.db"*
        echo "sqlite:///$work/warroom.db"
        return
    fi
    "$VENV/bin/python" - "$PG_URL" <<'PY'
import sys

import psycopg

server = sys.argv[1]
with psycopg.connect(server, autocommit=True) as connection:
    connection.execute('DROP DATABASE IF EXISTS "warroom_bench_intake" WITH (FORCE)')
    connection.execute('CREATE DATABASE "warroom_bench_intake"')
print(server.rsplit("/", 1)[0] + "/warroom_bench_intake")
PY
}

start_warroom() {
    WARROOM_DATABASE_URL="$(fresh_database_url)"
    export WARROOM_DATABASE_URL WARROOM_MODE=dev
    "$VENV/bin/warroom" migrate >/dev/null
    "$VENV/bin/warroom" serve --host 127.0.0.1 --port "$WR_PORT" --no-migrate --no-access-log --workers "$WORKERS" \
        >"$work/warroom.log" 2>&1 &
    pids+=($!)
    wait_http "http://127.0.0.1:$WR_PORT/healthz"
    WR_PATH="$("$VENV/bin/python" "$HERE/setup_target.py" "http://127.0.0.1:$WR_PORT")"
}

stop_all() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    pids=()
}

results="$work/results.txt"
: >"$results"
for run in $(seq 1 "$RUNS"); do
    for mode in single batch; do
        batch=1
        [ "$mode" = batch ] && batch=100
        start_alertmanager
        measure "alertmanager $mode $run" "http://127.0.0.1:$AM_PORT/api/v2/alerts" "$batch" | tee -a "$results"
        stop_all
        start_warroom
        measure "warroom $mode $run" "http://127.0.0.1:$WR_PORT$WR_PATH" "$batch" | tee -a "$results"
        stop_all
    done
    start_warroom
    for phase in openloop_cold openloop; do
        "$VENV/bin/python" "$HERE/openloop.py" "http://127.0.0.1:$WR_PORT$WR_PATH" --rate 1000 --seconds 10 |
            sed "s/^RESULT/warroom $phase $run/" | tee -a "$results"
    done
    stop_all
done

echo
echo "Medians over $RUNS runs (wrk -t$THREADS -c$CONNS -d$DUR; open loop at 1,000 alerts/s for 10 s;" \
    "warroom serve --workers $WORKERS):"
"$VENV/bin/python" - "$results" <<'PY'
import re, statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
def values(system, mode, key):
    out = []
    for r in rows:
        if r[0] == system and r[1] == mode:
            fields = dict(x.split("=", 1) for x in r[3:] if "=" in x)
            if key in fields:
                out.append(float(fields[key]))
    return out
for mode in ("single", "batch"):
    am = statistics.median(values("alertmanager", mode, "alerts_per_s") or [float("nan")])
    wr = statistics.median(values("warroom", mode, "alerts_per_s") or [float("nan")])
    p99 = statistics.median(values("warroom", mode, "p99_ms") or [float("nan")])
    print(f"  {mode:6}  Alertmanager {am:10,.0f} alerts/s   Warroom {wr:10,.0f} alerts/s   ratio {wr / am:5.2f}x   "
          f"Warroom p99 {p99:.1f} ms (closed loop)")
for phase, label in (("openloop", "steady state"), ("openloop_cold", "first 10 s on an empty database")):
    p99 = values("warroom", phase, "p99_ms")
    p50 = values("warroom", phase, "p50_ms")
    if p99:
        print(f"  open loop 1,000 alerts/s, {label}: Warroom p50 {statistics.median(p50):.2f} ms, "
              f"p99 {statistics.median(p99):.2f} ms")
PY

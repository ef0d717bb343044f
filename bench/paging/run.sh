#!/usr/bin/env bash
# Alert-to-page latency: from an alert's 2xx to the page accepted by a loopback SMTP server and by a loopback
# webhook receiver, p50/p90/p99/max over N incidents. Goal (issue 4): p99 < 0.5 s. The comparison point is
# Alertmanager's default group_wait of 30 s before its first notification.
#
#   bench/paging/run.sh                 N=1000 RATE=5 WAIT=300 by default; prints a Markdown table
#   N=50 RATE=10 bench/paging/run.sh    a quick check (about 10 s)
#
# Knobs: N alerts (each opens its own SEV1 incident), RATE alerts/s on a fixed schedule (modest, so it measures
# latency, not overload), WAIT seconds to wait for the last pages, POLL sets WARROOM_WORKER_POLL (unset: the
# product default). Everything runs on 127.0.0.1: `warroom serve` on a fresh SQLite file in a mktemp directory,
# tracked by PID; the SMTP server (aiosmtpd) and the webhook receiver live in bench/paging/latency.py.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
N="${N:-1000}"
RATE="${RATE:-5}"
WAIT="${WAIT:-300}"
POLL="${POLL:-}"
DB_URL="${DB_URL:-}"

ensure_venv >/dev/null
# aiosmtpd is a test extra; install only when something is missing, so a ready venv is left as it is.
"$VENV/bin/python" -c 'import aiosmtpd, httpx, warroom' 2>/dev/null || install_project test >/dev/null

work="$(mktemp -d /tmp/warroom-bench-paging.XXXXXX)"
cleanup() {
    # latency.py stops `warroom serve` itself; this covers it being interrupted first.
    if [ -s "$work/serve.pid" ]; then kill "$(cat "$work/serve.pid")" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# DB_URL runs it on another database, e.g. an empty PostgreSQL one: DB_URL=postgresql://u:pw@127.0.0.1/bench
export WARROOM_DATABASE_URL="${DB_URL:-sqlite:///$work/warroom.db}" WARROOM_MODE=dev
if [ -n "$POLL" ]; then export WARROOM_WORKER_POLL="$POLL"; fi
"$VENV/bin/warroom" migrate >/dev/null
"$VENV/bin/python" bench/paging/latency.py --work "$work" --n "$N" --rate "$RATE" --wait "$WAIT"

"""Alert-to-page latency: from an accepted alert (2xx) to the page accepted by loopback SMTP and a loopback webhook.

One process, one asyncio loop and one monotonic clock for everything timed: the SMTP server (aiosmtpd), the
HTTP receiver and the alert sender. setup_target.py prepares the scratch database through the project's service
functions (an on-call person paged at once by email and webhook through a schedule, policy, service, integration).
Then `warroom serve` (UI, API and worker in one process) runs on 127.0.0.1, tracked by PID and stopped at the end.

Each alert opens its own incident (distinct dedup key, severity critical → SEV1, high urgency) and carries a
unique key `wrp-<run>-<n>` in its title. The incident title, so the mail and the webhook JSON, repeat it, and
that key ties each page to the alert's 2xx instant. Alerts go out on a fixed schedule (open loop, RATE/s), so
a slow server does not slow the load. Usage (bench/paging/run.sh prepares the database and the environment):

    python bench/paging/latency.py --work DIR --n 1000 --rate 20 --wait 300
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import math
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import setup_target  # bench/paging/setup_target.py: this script's directory is first on sys.path
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from warroom.db import Database
from warroom.jobs.models import Job
from warroom.settings import Settings

KEY = re.compile(rb"wrp-[0-9a-f]{6}-[0-9]{5}")
DELIVERY_HEADER = re.compile(rb"^X-Warroom-Delivery-Id:[ \t]*(\S+)\r?$", re.MULTILINE | re.IGNORECASE)
MAX_BODY = 1024 * 1024
RETRIES = 3  # per alert, on 5xx or a transport error (what Alertmanager would do); 4xx is final
GOAL_P99_S = 0.5


@dataclass
class Received:
    at: float  # time.monotonic() when the receiver accepted the page
    key: str | None
    delivery_id: str


@dataclass
class Run:
    pages: dict[str, list[Received]] = field(default_factory=lambda: {"email": [], "webhook": []})
    sent: dict[str, float] = field(default_factory=dict)  # key → monotonic send instant (first attempt)
    accepted: dict[str, float] = field(default_factory=dict)  # key → monotonic instant of its 2xx
    failures: list[str] = field(default_factory=list)
    retried: int = 0


def _key(raw: bytes) -> str | None:
    found = KEY.search(raw)
    return found.group(0).decode() if found else None


class MailSink:
    """aiosmtpd handler: stamps each message when it is accepted (the 250 reply to DATA)."""

    def __init__(self, run: Run) -> None:
        self.run = run

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        at = time.monotonic()
        raw = envelope.original_content or b""
        delivery = DELIVERY_HEADER.search(raw)
        self.run.pages["email"].append(Received(at, _key(raw), delivery.group(1).decode() if delivery else ""))
        return "250 Message accepted for delivery"


async def _webhook_connection(run: Run, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A minimal HTTP/1.1 receiver with keep-alive: stamps each request once its body has arrived."""
    try:
        for _ in range(100_000):  # requests per connection, a bound rather than a limit anyone reaches
            request_line = await reader.readline()
            if not request_line:
                return
            headers: dict[str, str] = {}
            for _ in range(100):
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            if length > MAX_BODY:
                return
            body = await reader.readexactly(length) if length else b""
            at = time.monotonic()
            run.pages["webhook"].append(Received(at, _key(body), headers.get("x-warroom-delivery-id", "")))
            reply = b'{"ok": true}'
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(reply)).encode()
                + b"\r\n\r\n"
                + reply
            )
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, ValueError):
        return
    finally:
        writer.close()


def job_breakdown() -> list[str]:
    """Per job name: how many ran and how long each took from enqueue to done (queue wait + run), for diagnosis."""

    database = Database(Settings.from_env())
    try:
        with database.transaction(readonly=True) as session:
            rows = session.execute(select(Job.name, Job.status, Job.created_at, Job.finished_at)).all()
    finally:
        database.dispose()
    spans: dict[str, list[float]] = collections.defaultdict(list)
    states: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for name, status, created, finished in rows:
        states[name][status] += 1
        if status == "done" and finished is not None:
            spans[name].append((finished - created).total_seconds())
    lines = ["| job | jobs by status | enqueue → done p50 | p99 |", "|---|---|---|---|"]
    for name in sorted(states, key=lambda n: -sum(states[n].values())):
        ordered = sorted(spans[name])
        counts = ", ".join(f"{n} {s}" for s, n in sorted(states[name].items()))
        lines.append(f"| {name} | {counts} | {_ms(percentile(ordered, 50))} | {_ms(percentile(ordered, 99))} |")
    return lines


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_serve(work: Path, port: int, smtp_port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "WARROOM_SMTP_HOST": "127.0.0.1",
        "WARROOM_SMTP_PORT": str(smtp_port),
        "WARROOM_SMTP_FROM": "warroom@example.com",
    }
    command = [sys.executable, "-m", "warroom", "serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate"]
    with (work / "warroom.log").open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - our own argv
    (work / "serve.pid").write_text(str(process.pid))  # run.sh's trap stops it if this process dies first
    return process


def stop_serve(work: Path, process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    (work / "serve.pid").unlink(missing_ok=True)


async def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    async with httpx.AsyncClient(timeout=1) as client:
        for _ in range(150):  # 30 s
            if process.poll() is not None:
                raise SystemExit(f"warroom serve exited:\n{log.read_text()[-3000:]}")
            try:
                if (await client.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"warroom serve did not answer /healthz within 30 s:\n{log.read_text()[-3000:]}")


async def send_one(client: httpx.AsyncClient, url: str, key: str, run: Run) -> None:
    body = {"title": f"bench page {key}", "severity": "critical", "dedup_key": key, "state": "firing"}
    last = ""
    run.sent[key] = time.monotonic()
    for attempt in range(RETRIES):
        if attempt:
            run.retried += 1
            await asyncio.sleep(0.5)
        try:
            response = await client.post(url, json=body)
        except httpx.HTTPError as error:
            last = f"{type(error).__name__}: {error}"
            continue
        if 200 <= response.status_code < 300:
            run.accepted[key] = time.monotonic()
            return
        last = f"HTTP {response.status_code}: {response.text[:200]}"
        if response.status_code < 500:
            break
    run.failures.append(f"{key}: {last}")


async def send_all(url: str, keys: list[str], rate: float, run: Run, alive: Callable[[], bool]) -> None:
    """Alert i is due at start + i/rate whatever happened before (open loop); stops early if the server died."""
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=10, limits=limits) as client:
        start = time.monotonic() + 0.2
        tasks = []
        for index, key in enumerate(keys):
            delay = start + index / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if not alive():
                break
            tasks.append(asyncio.create_task(send_one(client, url, key, run)))
        await asyncio.gather(*tasks)


def _missing(run: Run, channel: str) -> set[str]:
    return set(run.accepted) - {p.key for p in run.pages[channel] if p.key}


async def wait_pages(run: Run, wait: float, alive: Callable[[], bool]) -> float:
    """Until every accepted alert has both pages, or `wait` seconds; returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < wait and alive():
        if not _missing(run, "email") and not _missing(run, "webhook"):
            break
        await asyncio.sleep(0.1)
    return time.monotonic() - started


def percentile(ordered: list[float], p: float) -> float:
    """Nearest rank, as bench/intake/openloop.py."""
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def _ms(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value * 1000:,.1f} ms"


def row(label: str, latencies: list[float], received: int, expected: int, goal: bool) -> str:
    ordered = sorted(latencies)
    p50, p90, p99 = (percentile(ordered, p) for p in (50, 90, 99))
    top = ordered[-1] if ordered else math.nan
    met = ("yes" if received == expected and p99 < GOAL_P99_S else "**no**") if goal else "–"
    return f"| {label} | {received} / {expected} | {_ms(p50)} | {_ms(p90)} | {_ms(p99)} | {_ms(top)} | {met} |"


def first_pages(run: Run, channel: str) -> dict[str, float]:
    """Key → latency of its first page on the channel, from the alert's 2xx (re-sends do not count again)."""
    first: dict[str, float] = {}
    for page in run.pages[channel]:
        if page.key is not None and page.key in run.accepted and page.key not in first:
            first[page.key] = page.at - run.accepted[page.key]
    return first


def _database() -> str:
    return "PostgreSQL" if os.environ.get("WARROOM_DATABASE_URL", "").startswith("postgresql") else "SQLite"


def report(run: Run, args: argparse.Namespace, poll: float, waited: float) -> int:
    accepted = run.accepted
    print(
        f"\nbench/paging: N={args.n} RATE={args.rate:g}/s WAIT={args.wait:g}s, {_database()}, `warroom serve` with its "
        f"worker (WARROOM_WORKER_POLL={poll:g} s); {os.cpu_count()} cores; {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}"
    )
    knob = f" POLL={os.environ['WARROOM_WORKER_POLL']}" if os.environ.get("WARROOM_WORKER_POLL") else ""
    print(f"command: N={args.n} RATE={args.rate:g} WAIT={args.wait:g}{knob} bench/paging/run.sh\n")
    print("| path | received / expected | p50 | p90 | p99 | max | p99 < 0.5 s |")
    print("|---|---|---|---|---|---|---|")
    intake = [accepted[k] - run.sent[k] for k in accepted]
    print(row("alert sent → 2xx (intake, for context)", intake, len(accepted), args.n, goal=False))
    notes: list[str] = []
    results: list[str] = []
    for channel, label in (("email", "2xx → page accepted by loopback SMTP"), ("webhook", "2xx → loopback webhook")):
        first = first_pages(run, channel)
        print(row(label, list(first.values()), len(first), len(accepted), goal=True))
        ordered = sorted(first.values())
        results.append(
            f"RESULT {channel} received={len(first)} expected={len(accepted)} "
            f"p50_ms={percentile(ordered, 50) * 1000:.1f} p99_ms={percentile(ordered, 99) * 1000:.1f}"
        )
        counts = collections.Counter(p.delivery_id for p in run.pages[channel])
        duplicates = sum(n - 1 for n in counts.values() if n > 1)
        stray = sum(1 for p in run.pages[channel] if p.key not in accepted)
        if duplicates or stray:
            notes.append(f"{channel}: {duplicates} duplicate delivery id(s), {stray} page(s) for no accepted alert")
        missing = sorted(_missing(run, channel))
        if missing:
            notes.append(
                f"{channel}: {len(missing)} page(s) missing after {waited:.0f} s, e.g. {', '.join(missing[:5])}"
            )
    # Delivery ids start with the incident id: each alert must map to one incident of its own.
    incidents: dict[str, set[str]] = collections.defaultdict(set)
    for channel in ("email", "webhook"):
        for page in run.pages[channel]:
            if page.key in accepted and page.delivery_id:
                incidents[page.key].add(page.delivery_id.split(":")[0])
    split = sum(1 for ids in incidents.values() if len(ids) > 1)
    owners = collections.Counter(i for ids in incidents.values() for i in ids)
    shared = sum(1 for n in owners.values() if n > 1)
    notes.append(
        f"{len(owners)} distinct incidents paged for {len(incidents)} alerts; {split} alert(s) paged for more than "
        f"one incident, {shared} incident(s) shared by several alerts"
    )
    if run.failures:
        notes.append(f"{len(run.failures)} alert(s) never got a 2xx, e.g. {run.failures[0]}")
    if run.retried:
        notes.append(f"{run.retried} retried request(s) (5xx or transport error); latency counts from the final 2xx")
    for note in notes:
        print(f"\n{note}")
    print()
    print("\n".join(results))
    return 1 if run.failures or any(_missing(run, c) for c in ("email", "webhook")) else 0


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--work", type=Path, required=True, help="scratch directory (run.sh's mktemp)")
    parser.add_argument("--n", type=int, default=1000, help="alerts, each opening one incident (at most 99,999)")
    parser.add_argument("--rate", type=float, default=5.0, help="alerts per second, fixed schedule")
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for pages after the last 2xx")
    args = parser.parse_args()
    if not 1 <= args.n <= 99_999 or not 0 < args.rate <= 10_000 or not 0 < args.wait <= 3600:
        parser.error("N is 1 to 99,999, RATE 0 to 10,000 per second, WAIT 0 to 3,600 seconds")

    run = Run()
    smtp = await asyncio.get_running_loop().create_server(
        lambda: SMTP(MailSink(run), hostname="bench.invalid"), "127.0.0.1", 0
    )
    hook = await asyncio.start_server(lambda r, w: _webhook_connection(run, r, w), "127.0.0.1", 0)
    smtp_port = smtp.sockets[0].getsockname()[1]
    hook_port = hook.sockets[0].getsockname()[1]
    path, poll = await asyncio.to_thread(setup_target.setup, f"http://127.0.0.1:{hook_port}/pages")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_serve(args.work, port, smtp_port)
    try:
        await wait_ready(base, process, args.work / "warroom.log")
        nonce = secrets.token_hex(3)
        keys = [f"wrp-{nonce}-{i:05d}" for i in range(args.n)]
        print(f"sending {args.n} alerts at {args.rate:g}/s to {base}{path[:30]}…", file=sys.stderr)
        alive = lambda: process.poll() is None  # noqa: E731 - a one-line probe
        await send_all(base + path, keys, args.rate, run, alive)
        print(f"{len(run.accepted)} accepted; waiting for pages (at most {args.wait:g} s)", file=sys.stderr)
        waited = await wait_pages(run, args.wait, alive)
        if process.poll() is not None:
            print(f"warroom serve died during the run:\n{(args.work / 'warroom.log').read_text()[-3000:]}")
    finally:
        stop_serve(args.work, process)
        smtp.close()
        hook.close()
    status = report(run, args, poll, waited)
    print("\nWhere the time went (the jobs table after the run; wall clock, so it includes waiting in the queue):\n")
    print("\n".join(await asyncio.to_thread(job_breakdown)))
    if status:
        lines = (args.work / "warroom.log").read_text().splitlines()
        errors = [line for line in lines if "WARNING" in line or "ERROR" in line]
        if errors:
            print("\nwarroom.log warnings (last 10):\n" + "\n".join(errors[-10:]))
    return status


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

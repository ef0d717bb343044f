"""`warroom serve --workers 2`: several web processes share one port, each answering the same app."""

from __future__ import annotations

import os
import select as io_select
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import httpx
from sqlalchemy import func, select

from warroom.catalog import service as catalog
from warroom.db import Database
from warroom.intake import integrations
from warroom.intake.models import Alert


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_two(settings: Any, log: Any) -> tuple[subprocess.Popen[bytes], int]:
    """`warroom serve --workers 2 --no-worker --no-access-log` on a free port, its output in `log`."""
    port = _free_port()
    env = {
        **os.environ,
        "WARROOM_DATABASE_URL": settings.database_url,
        "WARROOM_MODE": "dev",
        "WARROOM_SECRET_KEY": settings.secret_key,
    }
    command = [sys.executable, "-c", "from warroom.cli import main; main()", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-migrate", "--no-worker", "--workers", "2", "--no-access-log"]
    return subprocess.Popen(command, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT), port


def _serving(process: subprocess.Popen[bytes], port: int, log: Any, started: int = 2) -> None:
    """Wait until `started` web processes have started, in all, and the port answers (at most 60 s)."""
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        if log.read_text().count("Application startup complete") >= started:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _alert(number: int) -> list[dict[str, Any]]:
    return [{"labels": {"alertname": "DiskFilling", "instance": f"node-{number}"}, "annotations": {"summary": "disk"}}]


def test_two_web_processes_serve_the_same_app_without_access_logs(settings, make_ctx, tmp_path):
    with make_ctx() as ctx:
        service = catalog.create_service(ctx, name="Fleet", tier=3)
        ctx.session.flush()
        issued = integrations.create_integration(ctx, service_id=service.id, type="prometheus")
    log = tmp_path / "serve.log"
    process, port = _start_two(settings, log)
    try:
        base = f"http://127.0.0.1:{port}"
        _serving(process, port, log)
        path = f"/integrations/prometheus/{issued.key}/api/v2/alerts"
        # A fresh connection per request, so both processes take some of them.
        answers = [httpx.post(base + path, json=_alert(n), timeout=10).status_code for n in range(20)]
        page = httpx.get(f"{base}/status", timeout=10)
    finally:
        _stop(process)

    assert answers == [200] * 20
    assert page.status_code == 200
    database = Database(settings)
    try:
        with database.transaction(readonly=True) as session:
            stored = session.scalar(select(func.count()).select_from(Alert).where(Alert.service_id == service.id))
    finally:
        database.dispose()
    assert stored == 20
    text = log.read_text()
    assert "(2 processes)" in text
    assert text.count("Started server process") == 2  # two web processes, each saying so once
    assert "POST /integrations" not in text  # --no-access-log


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (uvicorn's web processes, and multiprocessing's helpers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if parent == pid:
                found.append(int(entry))
    return found


def _sockets(port: int, state: str) -> set[str]:
    """Inodes of the local sockets on `port` (IPv4) in a TCP state: "01" established, "0A" listening."""
    inodes = set()
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
                inodes.add(fields[9])
    return inodes


def _by_process(pids: list[int], port: int, state: str) -> dict[int, set[str]]:
    """Each process's sockets on `port` in `state` (processes with none left out)."""
    wanted = _sockets(port, state)
    found = {}
    for pid in pids:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        mine = {link[8:-1] for link in links if link.startswith("socket:[") and link[8:-1] in wanted}
        if mine:
            found[pid] = mine
    return found


def _open_together(port: int, count: int) -> list[socket.socket]:
    """`count` keep-alive connections opened at once, as a pool or wrk does, each answered once."""
    clients = []
    for _ in range(count):  # every connect sent before any completes
        client = socket.socket()
        client.setblocking(False)
        client.connect_ex(("127.0.0.1", port))
        clients.append(client)
    for client in clients:
        _ready, writable, _failed = io_select.select([], [client], [], 10)
        assert writable, "a connection did not complete within 10 s"
        client.setblocking(True)
        client.settimeout(10)
    for client in clients:
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: warroom\r\n\r\n")
    for client in clients:
        assert client.recv(65536).startswith(b"HTTP/1.1 200")
    return clients


def test_connections_opened_together_are_spread_over_the_processes_also_after_one_is_killed(settings, tmp_path):
    log = tmp_path / "serve.log"
    process, port = _start_two(settings, log)
    clients: list[socket.socket] = []

    def check() -> list[int]:
        """Each web process listens on a socket of its own, and 64 connections opened together reach both."""
        listening = _by_process(_children(process.pid), port, "0A")
        assert len(listening) == 2, listening  # uvicorn's one shared socket: one inode in both processes
        first, second = listening.values()
        assert len(first) == len(second) == 1 and first != second, listening
        clients.extend(_open_together(port, 64))
        spread = {pid: len(inodes) for pid, inodes in _by_process(list(listening), port, "01").items()}
        # The kernel spreads them by a hash of each connection: under 12 on one side is five deviations off.
        # (uvicorn's shared socket gave splits such as 3/61 and 14/50 under wrk.)
        assert len(spread) == 2 and min(spread.values()) >= 12, spread
        for client in clients:
            client.close()
        clients.clear()
        return list(listening)

    try:
        _serving(process, port, log)
        victim = check()[0]
        os.kill(victim, signal.SIGKILL)  # the supervisor starts another, which must get a socket of its own
        _serving(process, port, log, started=3)
        assert victim not in check()
    finally:
        for client in clients:
            client.close()
        _stop(process)

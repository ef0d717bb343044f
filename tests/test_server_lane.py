"""`warroom serve`'s wire lane (warroom.server): receiver POSTs answered by the HTTP protocol itself.

The server runs in a thread on a loopback port with the same protocol class `warroom serve` uses; requests
go over real sockets, so keep-alive, pipelining, HTTP/1.0, chunked bodies and the body limit are the
wire's, not a test client's. Each answer is compared with the ASGI path's answer to the same request.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select
from uvicorn.logging import AccessFormatter

from test_intake_support import am_alert, am_webhook, make_service
from warroom.app import create_app
from warroom.intake import integrations
from warroom.intake.models import Alert
from warroom.intake.receivers import MAX_BODY
from warroom.server import WarroomHttpProtocol


class Lines(logging.Handler):
    """Collects uvicorn's access lines as its own formatter writes them (a formatter error fails the test)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def handleError(self, record: logging.LogRecord) -> None:
        raise  # the formatter's error, instead of printing it and going on


@pytest.fixture
def access_lines() -> Iterator[Lines]:
    """uvicorn's access lines while the test runs (`served` logs them at INFO, as `warroom serve` does)."""
    lines = Lines()
    yield lines
    access = logging.getLogger("uvicorn.access")
    access.removeHandler(lines)
    access.setLevel(logging.WARNING)


@pytest.fixture
def served(settings: Any, clock: Any, db: Any, access_lines: Lines) -> Iterator[tuple[str, int]]:
    app = create_app(settings, clock=clock, db=db)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, http=WarroomHttpProtocol, log_level="warning")
    access = logging.getLogger("uvicorn.access")  # after the config set up its loggers
    access.setLevel(logging.INFO)
    access.addHandler(access_lines)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture
def laned(monkeypatch: Any) -> list[str]:
    """The paths the lane answered (the rest went through uvicorn's ASGI cycle)."""
    paths: list[str] = []
    respond = WarroomHttpProtocol._respond

    def counting(self: Any, cycle: Any, response: Any) -> None:
        paths.append(cycle.path)
        respond(self, cycle, response)

    monkeypatch.setattr(WarroomHttpProtocol, "_respond", counting)
    return paths


def _key(make_ctx: Any, kind: str) -> str:
    service_id = make_service(make_ctx)
    with make_ctx() as ctx:
        return integrations.create_integration(ctx, service_id=service_id, type=kind).key


def _request(path: str, body: bytes, *, extra: str = "", version: str = "1.1") -> bytes:
    head = f"POST {path} HTTP/{version}\r\nHost: test\r\nContent-Type: application/json\r\n"
    return (head + f"Content-Length: {len(body)}\r\n{extra}\r\n").encode() + body


class Wire:
    """A raw HTTP/1.1 connection that reads whole responses (Content-Length framed)."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = socket.create_connection(address, timeout=10)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def response(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._more()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, body

    def closed(self) -> bool:
        self.sock.settimeout(5)
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def _more(self) -> None:
        chunk = self.sock.recv(65536)
        assert chunk, f"the server closed the connection; so far: {self.buffer[:200]!r}"
        self.buffer += chunk

    def close(self) -> None:
        self.sock.close()


def _stored(db: Any) -> int:
    with db.transaction(readonly=True) as session:
        return int(session.scalar(select(func.count()).select_from(Alert)) or 0)


CASES = [
    ("prometheus", [{"labels": {"alertname": "Disk", "instance": "n1"}, "annotations": {"summary": "disk"}}]),
    ("prometheus", {"not": "an array"}),
    ("alertmanager", am_webhook([am_alert("PickerDown", "f1")])),
    ("generic", {"title": "Disk", "state": "firing", "dedup_key": "d1"}),
    ("generic", {"state": "sideways"}),
    ("pagerduty", {"event_action": "trigger", "payload": {"summary": "s", "source": "h", "severity": "error"}}),
    ("pagerduty", {"event_action": "explode"}),
]


@pytest.mark.parametrize(("kind", "payload"), CASES)
def test_the_lane_answers_as_the_asgi_path_does(served, laned, access_lines, client, make_ctx, db, kind, payload):
    key = _key(make_ctx, kind)
    if kind == "pagerduty":
        path, payload = "/v2/enqueue", {**payload, "routing_key": key}
    elif kind == "prometheus":
        path = f"/integrations/prometheus/{key}/api/v2/alerts"
    else:
        path = f"/integrations/{kind}/{key}"
    body = json.dumps(payload).encode()
    wire = Wire(served)
    try:
        wire.send(_request(path, body))
        status, headers, content = wire.response()
    finally:
        wire.close()
    reference = client.post(path, content=body, headers={"content-type": "application/json"})
    assert status == reference.status_code
    assert headers.get("content-type") == reference.headers.get("content-type")
    if kind == "pagerduty" and status == 202:  # each trigger without a dedup_key gets a new one
        assert json.loads(content).keys() == reference.json().keys()
    else:
        assert content == reference.content
    assert "connection" not in headers  # kept alive
    assert laned == [path]
    assert f'"POST {path} HTTP/1.1" {status}' in access_lines.lines[-1]  # uvicorn's access line, formatted


def test_unknown_keys_and_oversized_bodies_get_the_formats_answers(served, client):
    wire = Wire(served)
    try:
        path = "/integrations/prometheus/nope/api/v2/alerts"
        wire.send(_request(path, b"[]"))
        assert wire.response()[0] == client.post(path, content=b"[]").status_code == 404
        big = b"[" + b" " * (MAX_BODY + 10) + b"]"
        wire.send(_request(path, big))
        status, _headers, content = wire.response()
        assert status == 413
        assert content == client.post(path, content=big).content
        # A chunked body over the limit, declared by no Content-Length, is cut off the same way.
        chunk = b" " * 65536
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(MAX_BODY // len(chunk) + 1))
        wire.send(
            f"POST {path} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".encode() + chunks + b"0\r\n\r\n"
        )
        assert wire.response()[0] == 413
        wire.send(_request(path, b"[]"))  # and the connection goes on
        assert wire.response()[0] == 404
    finally:
        wire.close()


def test_the_lane_logs_the_forwarded_client_as_uvicorn_does_behind_a_trusted_proxy(
    served, laned, access_lines, make_ctx
):
    """`warroom serve` trusts X-Forwarded-For from 127.0.0.1 by default (uvicorn's proxy-headers middleware);
    the lane's access line names the same client as the framework's line for the same headers."""
    path = f"/integrations/prometheus/{_key(make_ctx, 'prometheus')}/api/v2/alerts"
    forwarded = "X-Forwarded-For: 203.0.113.7, 127.0.0.1\r\n"
    wire = Wire(served)
    try:
        wire.send(_request(path, b"[]", extra=forwarded))
        assert wire.response()[0] == 200
        wire.send(f"GET /healthz HTTP/1.1\r\nHost: t\r\n{forwarded}\r\n".encode())
        assert wire.response()[0] == 200
    finally:
        wire.close()
    assert laned == [path]
    lane_line, framework_line = access_lines.lines[-2:]
    assert lane_line.startswith("203.0.113.7:")
    assert lane_line.split(" - ")[0] == framework_line.split(" - ")[0]


def test_one_connection_mixes_lane_and_framework_requests_in_order(served, laned, make_ctx, db):
    key = _key(make_ctx, "prometheus")
    path = f"/integrations/prometheus/{key}/api/v2/alerts"
    alert = [{"labels": {"alertname": "Disk", "instance": "n1"}}]
    wire = Wire(served)
    try:
        wire.send(_request(path, json.dumps(alert).encode()))
        assert wire.response()[0] == 200
        wire.send(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        status, _headers, content = wire.response()
        assert (status, json.loads(content)["status"]) == (200, "ok")
        # Pipelined: three requests in one write, the middle one for the framework; answers come in order.
        second = [{"labels": {"alertname": "Disk", "instance": "n2"}}]
        third = [{"labels": {"alertname": "Disk", "instance": "n3"}}]
        wire.send(
            _request(path, json.dumps(second).encode())
            + b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
            + _request(path + "?ignored=1", json.dumps(third).encode())
        )
        answers = [wire.response() for _ in range(3)]
        assert [status for status, _h, _c in answers] == [200, 200, 200]
        assert answers[0][2] == b""  # the push API's empty 200
        assert json.loads(answers[1][2])["status"] == "ok"
    finally:
        wire.close()
    assert _stored(db) == 3
    # The last POST was pipelined behind a request still being answered, so uvicorn's cycle took it.
    assert laned == [path, path]


def test_chunked_bodies_and_expect_continue_are_read(served, laned, make_ctx, db):
    key = _key(make_ctx, "prometheus")
    path = f"/integrations/prometheus/{key}/api/v2/alerts"
    body = json.dumps([{"labels": {"alertname": "Disk", "instance": "c1"}}]).encode()
    wire = Wire(served)
    try:
        half = len(body) // 2
        parts = (body[:half], body[half:])
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts) + b"0\r\n\r\n"
        wire.send(f"POST {path} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".encode() + chunked)
        assert wire.response()[0] == 200
        other = json.dumps([{"labels": {"alertname": "Disk", "instance": "c2"}}]).encode()
        wire.send(
            f"POST {path} HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: {len(other)}\r\n\r\n".encode()
        )
        assert wire.response()[0] == 100
        wire.send(other)
        assert wire.response()[0] == 200
    finally:
        wire.close()
    assert _stored(db) == 2
    assert laned == [path]  # the Expect: 100-continue request went through uvicorn, which answers the 100


@pytest.mark.parametrize("close", ["http/1.0", "connection: close"])
def test_the_lane_closes_when_the_client_asks(served, make_ctx, close):
    key = _key(make_ctx, "generic")
    body = json.dumps({"title": "Disk", "state": "firing"}).encode()
    wire = Wire(served)
    try:
        if close == "http/1.0":
            wire.send(_request(f"/integrations/generic/{key}", body, version="1.0"))
        else:
            wire.send(_request(f"/integrations/generic/{key}", body, extra="Connection: close\r\n"))
        status, headers, _content = wire.response()
        assert status == 202 or status == 200
        assert headers["connection"] == "close"
        assert wire.closed()
    finally:
        wire.close()


def test_many_concurrent_senders_are_all_stored(served, make_ctx, db):
    key = _key(make_ctx, "prometheus")
    url = f"http://{served[0]}:{served[1]}/integrations/prometheus/{key}/api/v2/alerts"
    answers: list[int] = []

    def send(worker: int) -> None:
        with httpx.Client(timeout=30) as http:  # keep-alive: each sender's requests share one connection
            for number in range(25):
                alert = [{"labels": {"alertname": "Disk", "instance": f"w{worker}-{number}"}}]
                answers.append(http.post(url, json=alert).status_code)

    threads = [threading.Thread(target=send, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert answers == [200] * 200
    assert _stored(db) == 200

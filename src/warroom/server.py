"""`warroom serve`'s HTTP protocol: uvicorn's httptools protocol, with a wire lane for alert POSTs.

Alert senders post often and each request is small, so the ASGI machinery around a request cost more than
the alert itself: uvicorn builds a scope, a request/response cycle with an Event, a task, and message dicts
for the body and the two halves of the answer, and validates every response header. Here a bare asyncio
protocol on the same uvloop and httptools answered a fixed reply at ~90k requests/s, uvicorn's cycle ~26k.

So this protocol recognises a receiver POST (`intake.fastlane.route`) once its headers are parsed, collects
its body itself, and writes the answer of `fastlane.answer_soon`: the callback form of what the ASGI lane
and the FastAPI routes call, with no task or coroutine per request. tests/test_server_lane.py checks that
they agree on the wire. Everything else, and any request this lane is not sure of (`Expect: 100-continue`,
an upgrade, an escaped path, a request pipelined behind one still being answered), goes through uvicorn
unchanged. The lane poses as uvicorn's current cycle while it answers, so uvicorn's keep-alive timer,
pipelining queue, graceful shutdown and lost-connection handling still apply.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import weakref
from typing import Any

from starlette.responses import Response
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from warroom.intake import fastlane
from warroom.intake.receivers import MAX_BODY

log = logging.getLogger("warroom.server")


class _Event:
    """What uvicorn calls on a cycle's message event (`set`): nothing waits on a lane request's body."""

    def set(self) -> None:
        pass


_EVENT = _Event()


class LaneCycle:
    """One receiver POST answered by the lane; it stands in `HttpToolsProtocol.cycle` while it is answered."""

    __slots__ = (
        "chunks", "client", "disconnected", "found", "headers", "keep_alive", "path", "response_complete",
        "size", "too_large", "version",
    )  # fmt: skip
    message_event = _EVENT

    def __init__(self, found: tuple[str, Any], headers: dict[bytes, bytes], path: str, version: str, keep_alive: bool):
        self.found = found
        self.headers = headers
        self.path = path
        self.version = version
        self.keep_alive = keep_alive
        self.chunks: list[bytes] = []
        self.size = 0
        declared = headers.get(b"content-length", b"")
        self.too_large = declared.isdigit() and int(declared) > MAX_BODY
        self.response_complete = False
        self.disconnected = False
        self.client: tuple[str, int] | None = None  # for the access line, as the proxy-headers middleware sees it

    def add(self, chunk: bytes) -> None:
        if self.too_large:
            return  # read and dropped: the answer is 413 once the request is over
        self.size += len(chunk)
        if self.size > MAX_BODY:
            self.too_large = True
            self.chunks = []
        else:
            self.chunks.append(chunk)


_apps: weakref.WeakKeyDictionary[Any, tuple[Any, ProxyHeadersMiddleware | None]] = weakref.WeakKeyDictionary()


def _warroom_app(app: Any) -> tuple[Any, ProxyHeadersMiddleware | None]:
    """The Warroom app inside uvicorn's wrappers (None: the lane stays off), and the proxy-headers middleware
    among those wrappers, if any (`warroom serve` has it unless --no-proxy-headers)."""
    try:
        return _apps[app]
    except KeyError:
        pass
    except TypeError:
        return None, None
    found, proxy, inner = None, None, app
    for _ in range(8):
        if isinstance(inner, ProxyHeadersMiddleware):
            proxy = inner
        if hasattr(inner, "state") and hasattr(inner, "router"):
            found = inner
            break
        inner = getattr(inner, "app", None)
        if inner is None:
            break
    _apps[app] = (found, proxy)
    return found, proxy


class WarroomHttpProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        app, self.lane_proxy = _warroom_app(self.app)
        self.lane_state = app.state if app is not None and not self.root_path else None  # None: the lane is off

    def on_headers_complete(self) -> None:
        lane = self._lane()
        if lane is None:
            super().on_headers_complete()
        else:
            self.cycle = lane  # type: ignore[assignment]

    def _lane(self) -> LaneCycle | None:
        if self.lane_state is None or self.expect_100_continue:
            return None
        if self.cycle is not None and not self.cycle.response_complete:
            return None  # pipelined behind a request still being answered: uvicorn queues it
        parser = self.parser
        if parser.get_method() != b"POST" or parser.should_upgrade():
            return None
        raw = self.url.split(b"?", 1)[0]
        if b"%" in raw or not raw.isascii():
            return None
        path = raw.decode("ascii")
        found = fastlane.route(path)
        if found is None:
            return None
        version = parser.get_http_version()
        keep_alive = version != "1.0" and parser.should_keep_alive()
        lane = LaneCycle(found, fastlane.first_headers(self.headers), path, version, keep_alive)
        if self.access_log:
            lane.client = self._forwarded_client()
        return lane

    def _forwarded_client(self) -> tuple[str, int] | None:
        """The client the access line names: X-Forwarded-For's, from a trusted proxy, as uvicorn's
        proxy-headers middleware rewrites it for every other request; else the peer."""
        proxy, client = self.lane_proxy, self.client
        if proxy is None or client is None or client[0] not in proxy.trusted_hosts:
            return client
        forwarded = [value for name, value in self.headers if name == b"x-forwarded-for"]
        if not forwarded:
            return client
        host, port = proxy.trusted_hosts.get_trusted_client_address(b", ".join(forwarded).decode("latin1"))
        return (host, port) if host else client

    def on_body(self, body: bytes) -> None:
        cycle: Any = self.cycle
        if type(cycle) is LaneCycle:
            cycle.add(body)
        else:
            super().on_body(body)

    def on_message_complete(self) -> None:
        cycle: Any = self.cycle
        if type(cycle) is not LaneCycle:
            super().on_message_complete()
            return
        body = None if cycle.too_large else b"".join(cycle.chunks)
        cycle.chunks = []
        try:
            fastlane.answer_soon(
                self.lane_state, cycle.found, cycle.headers, body, functools.partial(self._respond, cycle)
            )
        except Exception:
            log.exception("intake lane: answering %s failed", cycle.path)
            self._respond(cycle, None)

    def _respond(self, cycle: LaneCycle, response: Response | None) -> None:
        """Write the answer (None: a 500 after an error of ours), then go on as uvicorn does after a response."""
        if response is None:
            status = 500
            head = [STATUS_LINE[500], b"content-type: text/plain; charset=utf-8\r\ncontent-length: 21\r\n"]
            content = b"Internal Server Error"
            cycle.keep_alive = False
        else:
            status, content = response.status_code, bytes(response.body)
            head = [STATUS_LINE[status]]
            for name, value in (*self.server_state.default_headers, *response.raw_headers):
                head += (name, b": ", value, b"\r\n")
        if not cycle.keep_alive:
            head.append(b"connection: close\r\n")
        head += (b"\r\n", content)
        cycle.response_complete = True
        if self.transport.is_closing():
            return  # the sender left; what it sent is stored all the same
        if self.access_log:  # before the answer leaves, as uvicorn logs it
            # The five arguments uvicorn's access formatter takes apart (client, method, path, version, status).
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d', _client(cycle.client), "POST", cycle.path, cycle.version, status
            )
        self.transport.write(b"".join(head))
        if not cycle.keep_alive:
            self.transport.close()
        self.on_response_complete()  # as uvicorn's cycle does: counts the request, then the next or the timer


def _client(client: tuple[str, int] | None) -> str:
    return f"{client[0]}:{client[1]}" if client else "-"

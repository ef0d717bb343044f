"""Intake's fast lane: alert POSTs are answered before FastAPI's routing, dependency solving and middleware.

Alert senders post often and each request is small, so the framework's per-request work (matching ~350
routes, building a Request, solving dependencies, the exception middleware) cost more than parsing and
storing the alert. This ASGI middleware recognises the receiver paths itself, reads the body within the same
limit, and hands it to the same `receivers.deliver` the routes use, so both give the same answers
(tests/test_intake_fastlane.py). Anything else, including a GET on these paths, goes on to FastAPI.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from warroom.intake import receivers
from warroom.intake.receivers import ALERTMANAGER, GENERIC, MAX_BODY, PAGERDUTY, PROMETHEUS, Format
from warroom.intake.writer import Plan

# (the path's key, or "" for the PagerDuty paths; the request headers) -> (format, parser)
Route = Callable[[str, dict[bytes, bytes]], tuple[Format, Callable[[bytes], Plan]]]


def _routing_header(headers: dict[bytes, bytes]) -> str | None:
    value = headers.get(b"x-routing-key")
    return value.decode("latin-1") if value is not None else None


EXACT: dict[str, Route] = {
    "/v2/enqueue": lambda key, h: (PAGERDUTY, receivers.pagerduty_v2_plan(_routing_header(h))),
    "/generic/2010-04-15/create_event.json": lambda key, h: (PAGERDUTY, receivers.pagerduty_v1_plan()),
    "/v2/change/enqueue": lambda key, h: (PAGERDUTY, receivers.change_plan(_routing_header(h))),
}
PATTERNS: list[tuple[re.Pattern[str], Route]] = [
    (
        re.compile(r"/integrations/alertmanager/([^/]+)"),
        lambda key, h: (ALERTMANAGER, receivers.alertmanager_plan(key)),
    ),
    (
        re.compile(r"/integrations/prometheus/([^/]+)/api/v2/alerts"),
        lambda key, h: (PROMETHEUS, receivers.prometheus_plan(key)),
    ),
    (re.compile(r"/integrations/generic/([^/]+)"), lambda key, h: (GENERIC, receivers.generic_plan(key))),
]


_seen: dict[str, tuple[str, Route] | None] = {}  # path -> route(path): senders post to the same few paths
SEEN_PATHS = 4096


def route(path: str) -> tuple[str, Route] | None:
    if path in _seen:
        return _seen[path]
    found = _match(path)
    if len(_seen) >= SEEN_PATHS:
        _seen.clear()  # bounded: random paths cannot grow it
    _seen[path] = found
    return found


def _match(path: str) -> tuple[str, Route] | None:
    """(key from the path, route) for a receiver path, None for anything else."""
    exact = EXACT.get(path)
    if exact is not None:
        return "", exact
    if path.startswith("/integrations/"):
        for pattern, route in PATTERNS:
            match = pattern.fullmatch(path)
            if match is not None:
                return match[1], route
    return None


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


async def _read(receive: Receive, headers: dict[bytes, bytes]) -> bytes:
    declared = headers.get(b"content-length", b"")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class IntakeFastLane:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        found = route(scope["path"])
        if found is None:
            await self.app(scope, receive, send)
            return
        headers = first_headers(scope["headers"])
        try:
            body: bytes | None = await _read(receive, headers)
        except BodyTooLarge:
            body = None
        except ClientGone:
            return
        response = await answer(scope["app"].state, found, headers, body)
        await response(scope, receive, send)


def first_headers(pairs: Iterable[tuple[bytes, bytes]]) -> dict[bytes, bytes]:
    """Lower-cased names to values; the first of repeated headers wins, as Starlette's Headers.get."""
    headers: dict[bytes, bytes] = {}
    for name, value in pairs:
        headers.setdefault(name, value)
    return headers


async def answer(state: Any, found: tuple[str, Route], headers: dict[bytes, bytes], body: bytes | None) -> Response:
    """The answer to a receiver POST (`found` is `route(path)`); `body` None when it was over MAX_BODY."""
    key, route = found
    fmt, build = route(key, headers)
    if body is None:
        return receivers.too_large(fmt)
    return await receivers.deliver(state, fmt, build, body)


def answer_soon(
    state: Any,
    found: tuple[str, Route],
    headers: dict[bytes, bytes],
    body: bytes | None,
    done: Callable[[Response], None],
) -> None:
    """`answer` for a caller that takes the answer in a callback (see receivers.deliver_soon)."""
    key, route = found
    fmt, build = route(key, headers)
    if body is None:
        done(receivers.too_large(fmt))
    else:
        receivers.deliver_soon(state, fmt, build, body, done)

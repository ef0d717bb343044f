"""Intake HTTP routes: each authenticates with its integration key and answers in its own format.

They sit outside /api/v1 (no user auth, unknown fields ignored) and out of the OpenAPI schema. Each request:
bounded read (413 over 512 KB) → light parse (on the event loop when small) → the intake writer applies it in
a SAVEPOINT of its next transaction, shared with whatever else arrived meanwhile (group commit) → 2xx after
that commit. Overload answers 503 with Retry-After (Alertmanager retries 5xx but drops 4xx, 429 included).
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError
from starlette.types import Receive, Scope, Send

from warroom.context import Ctx
from warroom.errors import AppError
from warroom.intake import readfirst, service
from warroom.intake.formats import BadPayload, load_alerts_json, load_json, parse_alertmanager, parse_prometheus
from warroom.intake.formats_pd import parse_change, parse_events_v1, parse_events_v2, parse_generic
from warroom.intake.models import Integration
from warroom.intake.writer import Delivery, Plan, UnknownKey
from warroom.lib.groupcommit import Overloaded
from warroom.lib.inflight import InFlight
from warroom.lib.watchdog import Watchdog

log = logging.getLogger("warroom.intake")
router = APIRouter(include_in_schema=False, tags=["intake"])

MAX_BODY = 512 * 1024
MAX_IN_FLIGHT = 64
RETRY_AFTER = "5"
UNKNOWN_KEY = "unknown or revoked integration key; copy the URL or key from the service's integrations page"
_in_flight = InFlight(MAX_IN_FLIGHT)


class TooLarge(Exception):
    pass


@dataclass(frozen=True)
class Format:
    name: str
    error: Callable[[int, str, list[str]], Response]


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status_code=status, media_type="application/json", headers=headers)


def _warroom_error(status: int, message: str, errors: list[str]) -> Response:
    return _json(status, {"error": message, "detail": {"errors": errors}})


def _alertmanager_api_error(status: int, message: str, errors: list[str]) -> Response:
    # Alertmanager's API answers errors as {"code", "message"}.
    return _json(status, {"code": status, "message": message})


def _pagerduty_error(status: int, message: str, errors: list[str]) -> Response:
    return _json(status, {"status": "invalid event", "message": message, "errors": errors or [message]})


ALERTMANAGER = Format("alertmanager", _warroom_error)
PROMETHEUS = Format("prometheus", _alertmanager_api_error)
PAGERDUTY = Format("pagerduty", _pagerduty_error)
GENERIC = Format("generic", _warroom_error)


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


INLINE_PARSE = 64 * 1024  # smaller bodies parse on the event loop: cheaper than a hop to a worker thread
WRITE_TIMEOUT = 30.0


async def _handle(request: Request, fmt: Format, build: Callable[[bytes], Plan]) -> Response:
    """Read the body within its limit, then `deliver` it (the FastAPI route path; see fastlane.py for the other)."""
    try:
        body = await _read_body(request)
    except TooLarge:
        return too_large(fmt)
    return await deliver(request.app.state, fmt, build, body)


def too_large(fmt: Format) -> Response:
    return fmt.error(413, f"the body is over {MAX_BODY // 1024} KB; send fewer alerts per request", [])


async def deliver(state: Any, fmt: Format, build: Callable[[bytes], Plan], body: bytes) -> Response:
    """Parse and apply one delivery; `build` parses the body into a Plan (key, work in the transaction, alerts).

    The work joins the intake writer's next transaction (group commit); the answer goes out after that
    transaction commits, so a 2xx still means the alert is stored. (`deliver_soon` does the work; this is
    its form for an awaiting caller.)
    """
    answered: asyncio.Future[Response] = asyncio.get_running_loop().create_future()

    def done(response: Response) -> None:
        if not answered.done():  # not if this caller was cancelled meanwhile
            answered.set_result(response)

    deliver_soon(state, fmt, build, body, done)
    return await answered


def deliver_soon(
    state: Any, fmt: Format, build: Callable[[bytes], Plan], body: bytes, done: Callable[[Response], None]
) -> None:
    """`deliver` for a caller on the event loop that takes the answer in a callback: `done(response)` is
    called on the loop, once, after the commit (or at once for an answer that needs none). No task and no
    coroutine per delivery, which the HTTP protocol's wire lane (warroom.server) relies on."""
    if not _in_flight.acquire(blocking=False):
        done(_overloaded(fmt))
        return
    if len(body) <= INLINE_PARSE:
        _submit(state, fmt, _parse(fmt, build, body), done)
        return
    # Big bodies are parsed off the loop, in the loop's bounded default executor.
    parsing = asyncio.get_running_loop().run_in_executor(None, _parse, fmt, build, body)
    parsing.add_done_callback(lambda parsed: _submit(state, fmt, _result_of(fmt, parsed), done))


def _result_of(fmt: Format, parsing: asyncio.Future[Plan | Response]) -> Plan | Response:
    try:
        return parsing.result()
    except Exception:  # _parse answers what a sender can get wrong; anything else is ours, not a 2xx
        log.exception("intake: parsing a delivery failed")
        return _overloaded(fmt)


def _submit(state: Any, fmt: Format, parsed: Plan | Response, done: Callable[[Response], None]) -> None:
    """Queue a parsed delivery (intake/readfirst.py); an answer already, such as a 400, goes back at once."""
    if isinstance(parsed, Response):
        _in_flight.release()
        done(parsed)
        return
    waiter = _Waiter(fmt, done)
    try:
        readfirst.submit(state, Delivery.of(parsed, state.clock, state.settings), waiter)
    except Overloaded as error:
        waiter.refused(error)


class _Waiter:
    """One delivery's way back to its sender (readfirst.Waiter): `done` is called once, on the loop."""

    __slots__ = ("done", "fmt", "watchdog")

    def __init__(self, fmt: Format, done: Callable[[Response], None]) -> None:
        self.fmt = fmt
        self.done = done
        self.watchdog: Watchdog | None = None

    def answered(self, response: Response) -> None:
        _in_flight.release()
        self.done(response)

    def refused(self, error: Overloaded) -> None:
        _in_flight.release()
        self.done(_overloaded(self.fmt))

    def queued(self, future: asyncio.Future[Response | Exception]) -> None:
        # A safety net, not a path: the writer completes every future, with an error if its batch failed.
        self.watchdog = _watchdog_for(future.get_loop())
        self.watchdog.watch(future, WRITE_TIMEOUT)
        future.add_done_callback(self._committed)

    def _committed(self, future: asyncio.Future[Response | Exception]) -> None:
        if self.watchdog is not None:
            self.watchdog.forget(future)
        _in_flight.release()
        try:
            result = future.result()
        except DBAPIError:  # busy, gone or full: nothing the sender did; it retries a 503
            log.warning("intake: the database failed the batch, answering 503", exc_info=True)
            self.done(_overloaded(self.fmt))
        except (TimeoutError, asyncio.CancelledError, Overloaded):
            log.warning("intake: no commit within %s s (or the writer is full), answering 503", WRITE_TIMEOUT)
            self.done(_overloaded(self.fmt))
        else:
            self.done(_answer(self.fmt, result))  # committed: only now may the sender forget the alert


SWEEP_SECONDS = 1.0  # how often the watchdog fails the deliveries waiting over WRITE_TIMEOUT


_watchdogs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Watchdog] = weakref.WeakKeyDictionary()


def _watchdog_for(loop: asyncio.AbstractEventLoop) -> Watchdog:
    found = _watchdogs.get(loop)
    if found is None:
        found = _watchdogs[loop] = Watchdog(loop, SWEEP_SECONDS)
    return found


def _overloaded(fmt: Format) -> Response:
    response = fmt.error(503, "Warroom is overloaded; retry shortly", [])
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def _parse(fmt: Format, build: Callable[[bytes], Plan], body: bytes) -> Plan | Response:
    try:
        return build(body)
    except BadPayload as error:
        message = "Event object is invalid" if fmt is PAGERDUTY else f"invalid {fmt.name} payload: {error}"
        return fmt.error(400, message, error.errors)
    except (RecursionError, ValueError, TypeError):
        return fmt.error(400, "the body could not be read as this format (too deeply nested or malformed)", [])


def _answer(fmt: Format, result: Response | Exception) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, UnknownKey):
        return fmt.error(404, UNKNOWN_KEY, [])
    if isinstance(result, AppError):
        return fmt.error(400, result.message, [])
    if isinstance(result, ValueError):
        # Lone surrogates and the like: valid JSON escapes that no database can store as text.
        return fmt.error(400, "the payload contains text that is not valid Unicode; fix its encoding", [])
    # A value the database refused (it passed the parser): the sender must fix it, retrying cannot help.
    log.warning("intake: database refused a delivery: %s", result)
    return fmt.error(400, "the database refused a value in this payload; check its text for odd characters", [])


# ---------------------------------------------------------------- parsers per format


class _Shared(Response):
    """A response built once and sent many times: each send gets its own copy of the header list."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": list(self.raw_headers)})
        await send({"type": "http.response.body", "body": self.body})


EMPTY_OK = _Shared(status_code=200)  # the push API's answer (200, no body), as Alertmanager gives it


def alertmanager_plan(key: str) -> Callable[[bytes], Plan]:
    def build(body: bytes) -> Plan:
        alerts = parse_alertmanager(load_alerts_json(body))

        def work(ctx: Ctx, integration: Integration) -> Response:
            service.ingest(ctx, integration, alerts)
            return respond([])

        def respond(ids: list[int]) -> Response:
            return _json(200, {"status": "success", "alerts": len(alerts)})

        return Plan(key, work, tuple(alerts), respond)

    return build


def prometheus_plan(key: str) -> Callable[[bytes], Plan]:
    def build(body: bytes) -> Plan:
        alerts = parse_prometheus(load_alerts_json(body))

        def work(ctx: Ctx, integration: Integration) -> Response:
            service.ingest(ctx, integration, alerts)
            return EMPTY_OK

        return Plan(key, work, tuple(alerts), lambda ids: EMPTY_OK)

    return build


def pagerduty_v2_plan(routing_header: str | None) -> Callable[[bytes], Plan]:
    def build(body: bytes) -> Plan:
        event = parse_events_v2(load_json(body), routing_header)

        def work(ctx: Ctx, integration: Integration) -> Response:
            service.pagerduty_event(ctx, integration, event)
            return _json(202, {"status": "success", "message": "Event processed", "dedup_key": event.dedup_key})

        return Plan(event.routing_key, work)

    return build


def pagerduty_v1_plan() -> Callable[[bytes], Plan]:
    def build(body: bytes) -> Plan:
        event = parse_events_v1(load_json(body))

        def work(ctx: Ctx, integration: Integration) -> Response:
            service.pagerduty_event(ctx, integration, event)
            answer = {"status": "success", "message": "Event processed", "incident_key": event.dedup_key}
            return _json(200, answer)

        return Plan(event.routing_key, work)

    return build


def change_plan(routing_header: str | None) -> Callable[[bytes], Plan]:
    def build(body: bytes) -> Plan:
        change = parse_change(load_json(body), routing_header)

        def work(ctx: Ctx, integration: Integration) -> Response:
            service.record_change(ctx, integration, change)
            return _json(202, {"status": "success", "message": "Change event processed"})

        return Plan(change.routing_key, work)

    return build


def generic_plan(key: str) -> Callable[[bytes], Plan]:
    def build(body: bytes) -> Plan:
        alert = parse_generic(load_json(body))

        def work(ctx: Ctx, integration: Integration) -> Response:
            rows = service.ingest(ctx, integration, [alert])
            ctx.session.flush()
            return respond([rows[0].id])

        def respond(ids: list[int]) -> Response:
            return _json(202, {"status": "accepted", "alert_id": ids[0], "dedup_key": alert.fingerprint})

        return Plan(key, work, (alert,), respond)

    return build


# ---------------------------------------------------------------- routes
# intake/fastlane.py answers these same paths before routing; the routes stay as the reference (and for an
# app built without the lane), and tests/test_intake_fastlane.py checks both give the same answers.


@router.post("/integrations/alertmanager/{key}")
async def alertmanager_webhook(request: Request, key: str) -> Response:
    """Alertmanager webhook v4 (webhook_configs url)."""
    return await _handle(request, ALERTMANAGER, alertmanager_plan(key))


@router.post("/integrations/prometheus/{key}/api/v2/alerts")
async def prometheus_push(request: Request, key: str) -> Response:
    """The Alertmanager v2 push API (Prometheus `alertmanagers` with path_prefix, vmalert)."""
    return await _handle(request, PROMETHEUS, prometheus_plan(key))


@router.post("/v2/enqueue")
async def pagerduty_v2(request: Request) -> Response:
    """PagerDuty Events API v2; the routing key may also come in an X-Routing-Key header."""
    return await _handle(request, PAGERDUTY, pagerduty_v2_plan(request.headers.get("x-routing-key")))


@router.post("/generic/2010-04-15/create_event.json")
async def pagerduty_v1(request: Request) -> Response:
    """PagerDuty Events API v1 (Alertmanager's pagerduty_configs can send it)."""
    return await _handle(request, PAGERDUTY, pagerduty_v1_plan())


@router.post("/v2/change/enqueue")
async def pagerduty_change(request: Request) -> Response:
    """PagerDuty change events: stored on the service, never page."""
    return await _handle(request, PAGERDUTY, change_plan(request.headers.get("x-routing-key")))


@router.post("/integrations/generic/{key}")
async def generic(request: Request, key: str) -> Response:
    """Generic JSON: {title, message?, severity?, dedup_key?, state, labels?, source?, link?, timestamp?}."""
    return await _handle(request, GENERIC, generic_plan(key))

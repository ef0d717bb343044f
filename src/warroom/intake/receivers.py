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
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from warroom.context import Ctx
from warroom.errors import AppError
from warroom.intake import fastpath, service
from warroom.intake.formats import BadPayload, Incoming, load_json, parse_alertmanager, parse_prometheus
from warroom.intake.formats_pd import parse_change, parse_events_v1, parse_events_v2, parse_generic
from warroom.intake.models import Integration
from warroom.lib.clock import Clock
from warroom.lib.groupcommit import GroupCommitter, Overloaded
from warroom.settings import Settings

log = logging.getLogger("warroom.intake")
router = APIRouter(include_in_schema=False, tags=["intake"])

MAX_BODY = 512 * 1024
MAX_IN_FLIGHT = 64
RETRY_AFTER = "5"
UNKNOWN_KEY = "unknown or revoked integration key; copy the URL or key from the service's integrations page"
_in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT)


class TooLarge(Exception):
    pass


class UnknownKey(Exception):
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


Work = Callable[[Ctx, Integration], Response]
INLINE_PARSE = 16 * 1024  # smaller bodies parse on the event loop: cheaper than a hop to a worker thread
WRITE_TIMEOUT = 30.0


@dataclass(frozen=True)
class Plan:
    """What a route's parser makes of a body: the key, the work, and for alert formats the alerts and answer."""

    key: str
    work: Work
    alerts: tuple[Incoming, ...] | None = None
    respond: Callable[[list[int]], Response] | None = None


@dataclass(frozen=True)
class Delivery:
    """One parsed request waiting for the intake writer.

    Deliveries of alerts also carry them and `respond` (the answer from the stored alert ids), so a batch can
    take the re-delivery fast path (intake/fastpath.py) instead of `work`.
    """

    key: str
    work: Work
    clock: Clock
    settings: Settings
    alerts: tuple[Incoming, ...] | None = None
    respond: Callable[[list[int]], Response] | None = None


def _apply(session: Session, deliveries: Sequence[Delivery]) -> list[Response | Exception]:
    """The writer's batch, in arrival order: re-deliveries by the fast path, the rest each in a SAVEPOINT."""
    now = deliveries[0].clock.now()
    integrations: dict[str, Integration | None] = {}
    wanted: dict[int, set[str]] = {}
    for delivery in deliveries:
        if delivery.key not in integrations:
            integrations[delivery.key] = service.by_key(session, delivery.key)
        found = integrations[delivery.key]
        if found is not None and delivery.alerts is not None:
            wanted.setdefault(found.service_id, set()).update(a.fingerprint for a in delivery.alerts)
    fastpath.lock_services(session, set(wanted))
    stored = fastpath.prefetch(session, wanted)
    pending = fastpath.Pending()
    slow: set[int] = set()  # services with a full-path delivery in this batch: later ones follow it
    results: list[Response | Exception] = []
    for delivery in deliveries:
        found = integrations[delivery.key]
        if found is not None and delivery.respond is not None and delivery.alerts is not None:
            if found.service_id not in slow:
                planned = fastpath.plan(delivery.alerts, stored[found.service_id], now)
                if planned is not None:
                    fastpath.queue_updates(pending, planned, now)
                    fastpath.touch(found, now)
                    results.append(delivery.respond([row.id for row, _item in planned]))
                    continue
            slow.add(found.service_id)
        pending.write(session)  # the full path must see every earlier re-delivery
        results.append(_apply_one(session, delivery))
    pending.write(session)
    return results


def _apply_one(session: Session, delivery: Delivery) -> Response | Exception:
    try:
        with session.begin_nested():
            ctx = Ctx(session=session, clock=delivery.clock, settings=delivery.settings)
            ctx.source = "integration"
            integration = service.by_key(session, delivery.key)
            if integration is None:
                raise UnknownKey
            return delivery.work(ctx, integration)
    except OperationalError:
        raise  # busy or gone: the whole batch fails and each item is retried alone, then answered 503
    except (UnknownKey, AppError, ValueError, DBAPIError) as error:
        return error


def writer_for(app_state: Any) -> GroupCommitter[Delivery, Response | Exception]:
    """The app's intake writer (one per process): concurrent deliveries share one commit."""
    writer = getattr(app_state, "intake_writer", None)
    if writer is None:
        with _writer_lock:
            writer = getattr(app_state, "intake_writer", None)
            if writer is None:
                writer = GroupCommitter(app_state.db, _apply, name="intake-writer", max_batch=64, max_pending=2_000)
                app_state.intake_writer = writer
    return writer


_writer_lock = threading.Lock()


async def _handle(request: Request, fmt: Format, build: Callable[[bytes], Plan]) -> Response:
    """Read, parse and apply one delivery; `build` parses the body into (key, work in the transaction).

    The work joins the intake writer's next transaction (group commit); the answer goes out after that
    transaction commits, so a 2xx still means the alert is stored.
    """
    try:
        body = await _read_body(request)
    except TooLarge:
        return fmt.error(413, f"the body is over {MAX_BODY // 1024} KB; send fewer alerts per request", [])
    if not _in_flight.acquire(blocking=False):
        return _overloaded(fmt)
    try:
        if len(body) <= INLINE_PARSE:
            parsed = _parse(fmt, build, body)
        else:
            parsed = await run_in_threadpool(_parse, fmt, build, body)
        if isinstance(parsed, Response):
            return parsed
        state = request.app.state
        delivery = Delivery(
            key=parsed.key,
            work=parsed.work,
            clock=state.clock,
            settings=state.settings,
            alerts=parsed.alerts,
            respond=parsed.respond,
        )
        try:
            future = writer_for(state).submit(delivery)
        except Overloaded:
            return _overloaded(fmt)
        try:
            result = await asyncio.wait_for(asyncio.wrap_future(future), WRITE_TIMEOUT)
        except OperationalError:
            log.warning("intake: database busy, answering 503", exc_info=True)
            return _overloaded(fmt)
        except TimeoutError:
            log.warning("intake: no commit within %s s, answering 503", WRITE_TIMEOUT)
            return _overloaded(fmt)
        return _answer(fmt, result)  # committed: only now may the sender forget the alert
    finally:
        _in_flight.release()


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


# ---------------------------------------------------------------- routes


@router.post("/integrations/alertmanager/{key}")
async def alertmanager_webhook(request: Request, key: str) -> Response:
    """Alertmanager webhook v4 (webhook_configs url)."""

    def build(body: bytes) -> Plan:
        alerts = parse_alertmanager(load_json(body))

        def work(ctx: Ctx, integration: Integration) -> Response:
            service.ingest(ctx, integration, alerts)
            return respond([])

        def respond(ids: list[int]) -> Response:
            return _json(200, {"status": "success", "alerts": len(alerts)})

        return Plan(key, work, tuple(alerts), respond)

    return await _handle(request, ALERTMANAGER, build)


@router.post("/integrations/prometheus/{key}/api/v2/alerts")
async def prometheus_push(request: Request, key: str) -> Response:
    """The Alertmanager v2 push API (Prometheus `alertmanagers` with path_prefix, vmalert)."""

    def build(body: bytes) -> Plan:
        alerts = parse_prometheus(load_json(body))

        def work(ctx: Ctx, integration: Integration) -> Response:
            service.ingest(ctx, integration, alerts)
            return Response(status_code=200)

        return Plan(key, work, tuple(alerts), lambda ids: Response(status_code=200))

    return await _handle(request, PROMETHEUS, build)


@router.post("/v2/enqueue")
async def pagerduty_v2(request: Request) -> Response:
    """PagerDuty Events API v2; the routing key may also come in an X-Routing-Key header."""

    def build(body: bytes) -> Plan:
        event = parse_events_v2(load_json(body), request.headers.get("x-routing-key"))

        def work(ctx: Ctx, integration: Integration) -> Response:
            service.pagerduty_event(ctx, integration, event)
            return _json(202, {"status": "success", "message": "Event processed", "dedup_key": event.dedup_key})

        return Plan(event.routing_key, work)

    return await _handle(request, PAGERDUTY, build)


@router.post("/generic/2010-04-15/create_event.json")
async def pagerduty_v1(request: Request) -> Response:
    """PagerDuty Events API v1 (Alertmanager's pagerduty_configs can send it)."""

    def build(body: bytes) -> Plan:
        event = parse_events_v1(load_json(body))

        def work(ctx: Ctx, integration: Integration) -> Response:
            service.pagerduty_event(ctx, integration, event)
            body = {"status": "success", "message": "Event processed", "incident_key": event.dedup_key}
            return _json(200, body)

        return Plan(event.routing_key, work)

    return await _handle(request, PAGERDUTY, build)


@router.post("/v2/change/enqueue")
async def pagerduty_change(request: Request) -> Response:
    """PagerDuty change events: stored on the service, never page."""

    def build(body: bytes) -> Plan:
        change = parse_change(load_json(body), request.headers.get("x-routing-key"))

        def work(ctx: Ctx, integration: Integration) -> Response:
            service.record_change(ctx, integration, change)
            return _json(202, {"status": "success", "message": "Change event processed"})

        return Plan(change.routing_key, work)

    return await _handle(request, PAGERDUTY, build)


@router.post("/integrations/generic/{key}")
async def generic(request: Request, key: str) -> Response:
    """Generic JSON: {title, message?, severity?, dedup_key?, state, labels?, source?, link?, timestamp?}."""

    def build(body: bytes) -> Plan:
        alert = parse_generic(load_json(body))

        def work(ctx: Ctx, integration: Integration) -> Response:
            rows = service.ingest(ctx, integration, [alert])
            ctx.session.flush()
            return respond([rows[0].id])

        def respond(ids: list[int]) -> Response:
            return _json(202, {"status": "accepted", "alert_id": ids[0], "dedup_key": alert.fingerprint})

        return Plan(key, work, (alert,), respond)

    return await _handle(request, GENERIC, build)

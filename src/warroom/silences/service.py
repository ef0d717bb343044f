"""Silences: create, list, expire, and the question intake asks for every alert: "is this silenced now?"."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.jobs import service as jobs
from warroom.lib.pagination import MAX_LIMIT, PageRequest, paginate
from warroom.lib.schema import MAX_ID
from warroom.silences.matchers import CompiledMatchers, Matcher, clean_matchers, compile_matchers, from_stored
from warroom.silences.models import SILENCE_STATUSES, Silence

# Published when a silence stops (expired early or its end passed). Payload {"silence_id": int}; intake
# re-evaluates the still-firing alerts the silence held back.
ENDED_TOPIC = "silence.ended"
END_JOB = "silences.end"
MAX_SPAN = timedelta(days=366)
MAX_COMMENT = 2000
_DURATION = re.compile(r"^\s*(\d{1,6})\s*([mhdw])\s*$")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}

# Compiled matchers are cached by their content (not the silence id: ids repeat across databases, e.g. after a
# restore), so each distinct set of matchers is compiled once per process.
_compiled_cache: dict[tuple[tuple[str, str, str], ...], CompiledMatchers] = {}
_cache_lock = threading.Lock()
_CACHE_LIMIT = 5000


def parse_duration(text: str, *, field: str = "duration") -> timedelta:
    """'90m', '2h', '1d', '1w' → a timedelta; Invalid (422) otherwise."""
    found = _DURATION.match(text or "")
    if found is None:
        raise Invalid(f"{text[:40]!r} is not a duration; write e.g. 30m, 2h, 1d or 1w", {"field": field})
    span = timedelta(seconds=int(found.group(1)) * _UNITS[found.group(2)])
    if span <= timedelta(0) or span > MAX_SPAN:
        raise Invalid("a silence lasts between 1 minute and 366 days", {"field": field})
    return span


def get_silence(ctx: Ctx, silence_id: int) -> Silence:
    """The silence with this id, or NotFound."""
    silence = ctx.session.get(Silence, silence_id) if 0 < silence_id <= MAX_ID else None
    if silence is None:
        raise NotFound(f"silence {silence_id} does not exist; see the silence list", {"silence_id": silence_id})
    return silence


def _clean_comment(comment: str) -> str:
    text = (comment or "").strip()
    if not text:
        raise Invalid("a silence needs a comment saying why (as in Alertmanager)", {"field": "comment"})
    if len(text) > MAX_COMMENT or "\x00" in text:
        raise Invalid(f"the comment must be printable text of at most {MAX_COMMENT} characters", {"field": "comment"})
    return text


def create_silence(
    ctx: Ctx,
    *,
    matchers: Sequence[Mapping[str, Any] | Matcher],
    comment: str,
    ends_at: datetime,
    starts_at: datetime | None = None,
    service_id: int | None = None,
) -> Silence:
    """Create a silence from now (or `starts_at`) until `ends_at`."""
    cleaned = clean_matchers(matchers)
    text = _clean_comment(comment)
    now = ctx.now()
    start = starts_at or now
    if ends_at <= start:
        raise Invalid("a silence must end after it starts", {"field": "ends_at"})
    if ends_at <= now:
        raise Invalid("that silence would already be over; pick an end in the future", {"field": "ends_at"})
    if ends_at - start > MAX_SPAN:
        raise Invalid("a silence may last at most 366 days", {"field": "ends_at"})
    if service_id is not None and (not 0 < service_id <= MAX_ID or ctx.session.get(Service, service_id) is None):
        raise NotFound(f"service {service_id} does not exist", {"field": "service_id"})
    silence = Silence(
        matchers=[m.as_dict() for m in cleaned],
        service_id=service_id,
        starts_at=start,
        ends_at=ends_at,
        comment=text,
        created_by_id=ctx.actor.user_id,
        created_by_name=ctx.actor.name[:200],
        created_at=now,
    )
    ctx.session.add(silence)
    ctx.session.flush()
    # A timer at the end instant announces `silence.ended` exactly then.
    jobs.enqueue(ctx, END_JOB, {"silence_id": silence.id}, run_at=ends_at, key=f"silence:{silence.id}:end")
    return silence


def expire_silence(ctx: Ctx, silence: Silence) -> Silence:
    """End a silence now (a pending one never starts); Conflict if it is already expired."""
    now = ctx.now()
    if silence.status_at(now) == "expired":
        raise Conflict(f"silence {silence.id} has already expired", {"status": "expired"})
    silence.expired_at = now
    silence.expired_by_name = ctx.actor.name[:200]
    ctx.session.flush()
    jobs.cancel(ctx, key=f"silence:{silence.id}:end")
    _announce_end(ctx, silence)
    return silence


def _announce_end(ctx: Ctx, silence: Silence) -> None:
    jobs.publish(ctx, ENDED_TOPIC, {"silence_id": silence.id}, key=f"silence:{silence.id}:ended")


def on_end_timer(ctx: Ctx, silence_id: int) -> None:
    """The end-instant job fired: announce the end unless the silence was expired early (already announced)."""
    silence = ctx.session.get(Silence, silence_id)
    if silence is None or silence.expired_at is not None or ctx.now() < silence.ends_at:
        return
    _announce_end(ctx, silence)


def _status_clause(status: str, now: datetime) -> Any:
    if status == "expired":
        return or_(Silence.expired_at.is_not(None), Silence.ends_at <= now)
    live = and_(Silence.expired_at.is_(None), Silence.ends_at > now)
    if status == "pending":
        return and_(live, Silence.starts_at > now)
    return and_(live, Silence.starts_at <= now)


def list_silences(
    ctx: Ctx, *, status: str | None = None, service_id: int | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Silence], int]:
    """Silences, newest first, with the total; `status` filters on the derived status at ctx.now()."""
    if status is not None and status not in SILENCE_STATUSES:
        raise Invalid(f"unknown status {status!r}; use {', '.join(SILENCE_STATUSES)}", {"field": "status"})
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= 1_000_000:
        raise Invalid(f"limit must be 1 to {MAX_LIMIT} and offset 0 or more", {"field": "limit"})
    query = select(Silence)
    if status is not None:
        query = query.where(_status_clause(status, ctx.now()))
    if service_id is not None:
        query = query.where(Silence.service_id == service_id)
    query = query.order_by(Silence.starts_at.desc(), Silence.id.desc())
    return paginate(ctx.session, query, PageRequest(limit=limit, offset=offset))


def compiled_matchers(silence: Silence) -> CompiledMatchers:
    """The silence's matchers, compiled once per process for each distinct set."""
    key = tuple((str(m["name"]), str(m["op"]), str(m["value"])) for m in silence.matchers)
    found = _compiled_cache.get(key)
    if found is None:
        found = compile_matchers(from_stored(silence.matchers))
        with _cache_lock:
            if len(_compiled_cache) >= _CACHE_LIMIT:
                _compiled_cache.clear()
            _compiled_cache[key] = found
    return found


def matching_silence(
    session: Session, labels: Mapping[str, str], at: datetime, service_id: int | None = None
) -> Silence | None:
    """The active silence at `at` that matches these labels (and service), or None. Reads only.

    One indexed query for the silences active at `at` (a small set); their matchers are compiled once per
    process. When several match, the one lasting longest wins, so the alert stays silenced until it ends.
    """
    return first_matching(active_silences(session, at, service_id), labels)


def active_silences(session: Session, at: datetime, service_id: int | None = None) -> list[Silence]:
    """The silences in force at `at` for this service (or for every service), longest-lasting first."""
    query = (
        select(Silence)
        .where(Silence.starts_at <= at, Silence.ends_at > at, Silence.expired_at.is_(None))
        .order_by(Silence.ends_at.desc(), Silence.id)
    )
    if service_id is None:
        query = query.where(Silence.service_id.is_(None))
    else:
        query = query.where(or_(Silence.service_id.is_(None), Silence.service_id == service_id))
    return list(session.scalars(query))


def first_matching(silences: Sequence[Silence], labels: Mapping[str, str]) -> Silence | None:
    """The first of `silences` (as `active_silences` orders them) whose matchers all hold for `labels`."""
    for silence in silences:
        if compiled_matchers(silence).matches(labels):
            return silence
    return None


def preview(
    ctx: Ctx, *, matchers: Sequence[Mapping[str, Any] | Matcher], service_id: int | None = None, limit: int = 100
) -> tuple[list[Any], int, bool]:
    """Firing alerts these matchers would silence now: (alerts, how many in all, whether intake exists)."""
    compiled = compile_matchers(clean_matchers(matchers))
    try:
        from warroom.intake.models import Alert
    except ImportError:
        return [], 0, False
    if not hasattr(Alert, "__table__"):
        return [], 0, False
    query = select(Alert).where(Alert.status == "firing")
    if service_id is not None:
        query = query.where(Alert.service_id == service_id)
    # Bounded: a preview looks at the most recently seen firing alerts only.
    candidates = ctx.session.scalars(query.order_by(Alert.last_seen.desc(), Alert.id.desc()).limit(5000))
    matched = [alert for alert in candidates if compiled.matches(alert.labels or {})]
    return matched[:limit], len(matched), True


def silenced_alerts(ctx: Ctx, silence: Silence, *, limit: int = 100) -> list[Any]:
    """Alerts intake marked as held back by this silence (empty until intake exists)."""
    try:
        from warroom.intake.models import Alert
    except ImportError:
        return []
    query = select(Alert).where(Alert.silenced_by_id == silence.id).order_by(Alert.last_seen.desc()).limit(limit)
    return list(ctx.session.scalars(query))


__all__ = [
    "ENDED_TOPIC",
    "END_JOB",
    "Matcher",
    "active_silences",
    "compiled_matchers",
    "create_silence",
    "expire_silence",
    "first_matching",
    "get_silence",
    "list_silences",
    "matching_silence",
    "on_end_timer",
    "parse_duration",
    "preview",
    "silenced_alerts",
]

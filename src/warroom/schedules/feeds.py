"""iCal feeds of on-call shifts, per schedule and per person, behind revocable tokens (stored as SHA-256)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from warroom.auth.models import User
from warroom.context import Ctx
from warroom.errors import Forbidden, NotFound
from warroom.lib.schema import MAX_ID
from warroom.lib.tokens import hash_token, new_token
from warroom.schedules.models import FeedToken, Schedule
from warroom.schedules.resolver import Shift

# What a calendar sees: last week (for context) and the next two months.
FEED_PAST = timedelta(days=7)
FEED_FUTURE = timedelta(days=60)
TOKEN_PREFIX = "wrf_"  # noqa: S105 - a public prefix, not a secret


@dataclass(frozen=True)
class IssuedFeed:
    """A new feed token: the secret is shown once."""

    token: FeedToken
    secret: str

    @property
    def path(self) -> str:
        if self.token.schedule_id is not None:
            return f"/schedules/{self.token.schedule_id}/feed.ics?token={self.secret}"
        return f"/users/{self.token.user_id}/oncall.ics?token={self.secret}"


def create_feed_token(ctx: Ctx, *, schedule: Schedule | None = None, user: User | None = None) -> IssuedFeed:
    """A token for one schedule's feed or one person's feed (exactly one of the two)."""
    if (schedule is None) == (user is None):
        raise ValueError("a feed token is for a schedule or for a user")
    secret = new_token(TOKEN_PREFIX)
    token = FeedToken(
        schedule_id=schedule.id if schedule else None,
        user_id=user.id if user else None,
        token_hash=hash_token(secret),
        prefix=secret[:10],
        created_by_id=ctx.actor.user_id,
        created_at=ctx.now(),
    )
    ctx.session.add(token)
    ctx.session.flush()
    return IssuedFeed(token=token, secret=secret)


def list_feed_tokens(ctx: Ctx, *, schedule_id: int | None = None, user_id: int | None = None) -> list[FeedToken]:
    """Feed tokens (live and revoked) of one schedule or one person, newest first."""
    query = select(FeedToken)
    query = query.where(FeedToken.schedule_id == schedule_id) if schedule_id is not None else query
    query = query.where(FeedToken.user_id == user_id) if user_id is not None else query
    return list(ctx.session.scalars(query.order_by(FeedToken.id.desc())))


def get_feed_token(ctx: Ctx, token_id: int) -> FeedToken:
    """One feed token by id, or 404."""
    token = ctx.session.get(FeedToken, token_id) if 1 <= token_id <= MAX_ID else None
    if token is None:
        raise NotFound(f"there is no feed token {token_id}")
    return token


def revoke_feed_token(ctx: Ctx, token: FeedToken) -> FeedToken:
    """Stop a feed URL from working (idempotent)."""
    if token.revoked_at is None:
        token.revoked_at = ctx.now()
    return token


def _check(ctx: Ctx, secret: str | None, *, schedule_id: int | None = None, user_id: int | None = None) -> None:
    refused = Forbidden("the feed token is missing, unknown or revoked; create a new feed URL on the schedule page")
    if not secret or len(secret) > 200:
        raise refused
    token = ctx.session.scalar(select(FeedToken).where(FeedToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None:
        raise refused
    if token.schedule_id != schedule_id or token.user_id != user_id:
        raise refused


def schedule_feed(ctx: Ctx, *, schedule_id: int, secret: str | None) -> str:
    """The iCal text of a schedule's shifts, if `secret` is a live token for it."""
    _check(ctx, secret, schedule_id=schedule_id)
    from warroom.schedules.service import get_schedule, resolve

    schedule = get_schedule(ctx, schedule_id)
    now = ctx.now()
    shifts = resolve(ctx.session, schedule, now - FEED_PAST, now + FEED_FUTURE).shifts
    names = _names(ctx, {s.user_id for s in shifts})
    events = [(schedule, shift, f"On call: {names.get(shift.user_id, '?')} ({schedule.name})") for shift in shifts]
    return calendar(f"{schedule.name} on call", events, now)


def user_feed(ctx: Ctx, *, user_id: int, secret: str | None) -> str:
    """The iCal text of one person's shifts across every schedule, if `secret` is a live token for them."""
    _check(ctx, secret, user_id=user_id)
    from warroom.schedules.service import resolve

    user = ctx.session.get(User, user_id)
    if user is None:
        raise NotFound(f"there is no user {user_id}")
    now = ctx.now()
    events: list[tuple[Schedule, Shift, str]] = []
    for schedule in ctx.session.scalars(select(Schedule).order_by(Schedule.name)):
        for shift in resolve(ctx.session, schedule, now - FEED_PAST, now + FEED_FUTURE).shifts:
            if shift.user_id == user_id:
                events.append((schedule, shift, f"On call: {schedule.name}"))
    return calendar(f"{user.name} on call", events, now)


def _names(ctx: Ctx, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {u.id: u.name for u in ctx.session.scalars(select(User).where(User.id.in_(ids)))}


# --- RFC 5545 -------------------------------------------------------------------------------------------


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never splitting a UTF-8 character (RFC 5545 §3.1)."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _describe(schedule: Schedule, shift: Shift) -> str:
    source = "override" if shift.source == "override" else f"layer {shift.source}"
    return f"Schedule {schedule.name}; {source}"


def calendar(name: str, events: Iterable[tuple[Schedule, Shift, str]], now: datetime) -> str:
    """A VCALENDAR with one VEVENT per shift, CRLF line ends."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Warroom//On-call schedules//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for schedule, shift, summary in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:oncall-{schedule.id}-{shift.user_id}-{_stamp(shift.start)}@warroom",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(shift.start)}",
            f"DTEND:{_stamp(shift.end)}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(_describe(schedule, shift))}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)

"""Input checks shared by the incident service modules. Each problem names its field in the error detail."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal, TypeAlias, TypeVar

from warroom.auth.models import User
from warroom.context import Ctx
from warroom.errors import Invalid
from warroom.incidents.models import SEVERITIES
from warroom.lib.schema import MAX_ID

MAX_TITLE = 300
MAX_TEXT = 20_000
MAX_NOTE = 20_000
MAX_LIST_ITEMS = 50
MAX_LIST_ITEM = 100
MAX_CUSTOMERS = 2_000_000_000
# Primary keys are 32-bit on PostgreSQL; a larger number can never be an id (and would overflow SQLite).
# Instants outside this range are typos, and converting them between zones could overflow.
MIN_YEAR = 1970
MAX_YEAR = 9998

T = TypeVar("T")


class Unset(enum.Enum):
    """Marks a keyword argument the caller did not pass (as opposed to an explicit None)."""

    UNSET = "unset"


UNSET = Unset.UNSET
Maybe: TypeAlias = T | Literal[Unset.UNSET]


def has_control_chars(value: str, *, allow_newlines: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in value)


def clean_text(value: str, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    """Trimmed text without control characters (newlines allowed), within `max_length`."""
    text = value.strip()
    if required and not text:
        raise Invalid(f"{label} must not be empty", {"field": field})
    if len(text) > max_length:
        raise Invalid(f"{label} is {len(text)} characters; keep it to {max_length}", {"field": field})
    if has_control_chars(text, allow_newlines=True):
        raise Invalid(f"{label} contains control characters; use printable text", {"field": field})
    return text


def clean_title(value: str) -> str:
    title = clean_text(value, field="title", label="the title", max_length=MAX_TITLE, required=True)
    if "\n" in title or "\r" in title:
        raise Invalid("the title must be one line", {"field": "title"})
    return title


def clean_severity(value: str) -> str:
    severity = value.strip().upper()
    if severity not in SEVERITIES:
        raise Invalid(
            f"unknown severity {value!r}; use one of {', '.join(SEVERITIES)}",
            {"field": "severity", "allowed": list(SEVERITIES)},
        )
    return severity


def clean_list(values: Sequence[str], *, field: str, label: str) -> list[str]:
    """Trimmed, non-empty, de-duplicated entries (order kept), e.g. regions or segments."""
    if isinstance(values, str):
        values = [values]
    items: list[str] = []
    for raw in values:
        item = clean_text(raw, field=field, label=f"a {label} entry", max_length=MAX_LIST_ITEM)
        if "\n" in item:
            raise Invalid(f"a {label} entry must be one line", {"field": field})
        if item and item not in items:
            items.append(item)
    if len(items) > MAX_LIST_ITEMS:
        raise Invalid(f"at most {MAX_LIST_ITEMS} {label} entries, not {len(items)}", {"field": field})
    return items


def clean_count(value: int | None, *, field: str = "customers_affected") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not 0 <= value <= MAX_CUSTOMERS:
        raise Invalid(f"{field} must be a whole number between 0 and {MAX_CUSTOMERS:,}", {"field": field})
    return value


def as_utc(value: datetime, *, field: str) -> datetime:
    """An aware UTC instant; a naive one is taken as UTC. Absurd years are refused, not overflowed."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise Invalid(f"{field} {value.isoformat()} is out of range (years {MIN_YEAR}–{MAX_YEAR})", {"field": field})
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise Invalid(f"{field} {value.isoformat()} is out of range", {"field": field}) from None


def past_instant(ctx: Ctx, value: datetime, *, field: str) -> datetime:
    """A backdated instant: in UTC and not later than now."""
    instant = as_utc(value, field=field)
    now = ctx.now()
    if instant > now:
        raise Invalid(
            f"{field} {instant.isoformat()} is in the future (now is {now.isoformat()}); "
            "give a time that has already happened",
            {"field": field},
        )
    return instant


def active_user(ctx: Ctx, user_id: int, *, field: str) -> User:
    """The active user with this id, or Invalid (422) naming the field."""
    user = ctx.session.get(User, user_id) if 1 <= user_id <= MAX_ID else None
    if user is None:
        raise Invalid(f"{field}: user {user_id} does not exist; pick an existing user id", {"field": field})
    if not user.is_active:
        raise Invalid(f"{field}: user {user.email} is deactivated; pick an active user", {"field": field})
    return user


def iso(instant: datetime | None) -> str | None:
    """How instants are stored in event data: ISO 8601 in UTC."""
    return instant.astimezone(UTC).isoformat() if instant is not None else None

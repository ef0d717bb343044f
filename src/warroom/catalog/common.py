"""Validation and lookups shared by the catalog's services, teams and business functions."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Sequence
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from warroom.catalog.models import BusinessFunction, Service, Team
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.lib.schema import MAX_ID

MAX_NAME = 200
MAX_DESCRIPTION = 5000
MAX_URL = 2000
# Primary keys are 32-bit on PostgreSQL; a larger number can never be an id (and would overflow the query).
# Any fixed 64-bit number works: it only has to differ from other advisory locks in the same database.
CATALOG_LOCK_KEY = 0x5741_5252_4341_5447

Named = TypeVar("Named", Service, Team, BusinessFunction)


class Unset(enum.Enum):
    """Marks a keyword argument the caller did not pass (as opposed to an explicit None)."""

    UNSET = "unset"


UNSET = Unset.UNSET


def _has_control_chars(value: str, *, allow_newlines: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in value)


def clean_name(value: str, *, kind: str) -> str:
    """A trimmed, non-empty, printable name that cannot be mistaken for an id."""
    name = value.strip()
    if not name:
        raise Invalid(f"the {kind} name must not be empty", {"field": "name"})
    if len(name) > MAX_NAME:
        raise Invalid(f"the {kind} name is {len(name)} characters; keep it to {MAX_NAME}", {"field": "name"})
    if _has_control_chars(name, allow_newlines=False):
        raise Invalid(f"the {kind} name contains control characters; use printable text", {"field": "name"})
    if name.isdigit():
        raise Invalid(
            f"the {kind} name {name!r} is only digits and would be confused with an id; add a letter",
            {"field": "name"},
        )
    return name


def clean_description(value: str | None) -> str:
    """Free text: trimmed, newlines allowed, no other control characters."""
    description = (value or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(f"the description is too long; keep it to {MAX_DESCRIPTION} characters", {"field": "description"})
    if _has_control_chars(description, allow_newlines=True):
        raise Invalid("the description contains control characters; use printable text", {"field": "description"})
    return description


def clean_runbook_url(value: str | None) -> str | None:
    """An absolute http(s) URL, or None when empty. Anything else (javascript:, file:) is refused."""
    if value is None or not value.strip():
        return None
    url = value.strip()
    problem = None
    if len(url) > MAX_URL:
        problem = f"is longer than {MAX_URL} characters"
    elif any(ch.isspace() for ch in url) or _has_control_chars(url, allow_newlines=False):
        problem = "contains spaces or control characters"
    else:
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:
            parts, host = None, None
        if parts is None or parts.scheme.lower() not in ("http", "https"):
            problem = "must start with http:// or https://"
        elif not host:
            problem = "has no host name"
    if problem:
        raise Invalid(
            f"runbook URL {url[:80]!r} {problem}; give a full link such as https://wiki.example.com/runbooks/wms",
            {"field": "runbook_url"},
        )
    return url


def clean_query(value: str | None) -> str | None:
    """A search text from a URL; empty means no filter."""
    if value is None or not value.strip():
        return None
    query = value.strip()
    if _has_control_chars(query, allow_newlines=False):
        raise Invalid("the search text contains control characters", {"field": "q"})
    return query[:MAX_NAME]


def as_id(ref: int | str) -> int | None:
    """The id a reference stands for when it is a number in range, else None (then it is a name)."""
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        return ref if 0 < ref <= MAX_ID else -1
    stripped = ref.strip()
    if stripped.isascii() and stripped.isdigit():
        number = int(stripped)
        return number if 0 < number <= MAX_ID else -1
    return None


def lookup(ctx: Ctx, model: type[Named], ref: int | str) -> Named | None:
    """A row by id (a number) or case-insensitive name."""
    wanted = as_id(ref)
    if wanted is not None:
        return ctx.session.get(model, wanted) if wanted > 0 else None
    name = str(ref).strip()
    # No stored name has control characters, and PostgreSQL refuses a NUL in a query parameter.
    if not name or len(name) > MAX_NAME or _has_control_chars(name, allow_newlines=False):
        return None
    return ctx.session.scalar(select(model).where(func.lower(model.name) == name.lower()))


def find(ctx: Ctx, model: type[Named], ref: int | str, *, kind: str) -> Named:
    """Like `lookup` but raises NotFound with a hint."""
    found = lookup(ctx, model, ref)
    if found is None:
        raise NotFound(f"no {kind} with id or name {str(ref)[:MAX_NAME]!r}; list them with `warroom {kind} list`")
    return found


def resolve_refs(ctx: Ctx, model: type[Named], refs: Sequence[int | str], *, kind: str, field: str) -> list[Named]:
    """Rows by id or name, in order, without duplicates; Invalid names every reference that matches nothing."""
    found: list[Named] = []
    missing: list[str] = []
    for ref in refs:
        row = lookup(ctx, model, ref)
        if row is None:
            missing.append(str(ref)[:MAX_NAME])
        elif row not in found:
            found.append(row)
    if missing:
        raise Invalid(
            f"unknown {kind}(s): {', '.join(missing)}; create them first or use an existing id or name",
            {"field": field, "unknown": missing},
        )
    return found


def ensure_name_free(ctx: Ctx, model: type[Named], name: str, *, kind: str, exclude_id: int | None = None) -> None:
    """Names are unique without regard to case, so "WMS" and "wms" cannot both exist."""
    query = select(model.id, model.name).where(func.lower(model.name) == name.lower())
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    clash = ctx.session.execute(query).first()
    if clash is not None:
        raise Conflict(
            f"a {kind} named {clash.name!r} already exists (id {clash.id}); pick another name or edit that one",
            {"field": "name", "id": clash.id},
        )


def lock_catalog(ctx: Ctx) -> None:
    """Serialise catalog writes on PostgreSQL so two concurrent edits cannot form a cycle or a duplicate name.

    SQLite needs nothing: every write transaction there already starts with BEGIN IMMEDIATE.
    """
    if ctx.session.get_bind().dialect.name == "postgresql":
        ctx.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CATALOG_LOCK_KEY})


def flush_unique(ctx: Ctx, *, kind: str, name: str) -> None:
    """Flush, turning a unique-name race the checks above could not see into a 409."""
    try:
        ctx.session.flush()
    except IntegrityError:
        raise Conflict(f"a {kind} named {name!r} already exists; pick another name", {"field": "name"}) from None

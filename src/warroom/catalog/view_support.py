"""Helpers shared by the catalog's HTML routes: safe attempts with field errors, paging links, form parsing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from warroom.auth.service import role_rank
from warroom.catalog.service import TIER_NAMES
from warroom.context import Ctx
from warroom.errors import AppError, Conflict, Invalid, NotFound
from warroom.lib.schema import MAX_ID
from warroom.web import render

T = TypeVar("T")
PAGE_SIZE = 50
# Short confirmations after a redirect (?done=…); only these words are ever shown.
NOTICES = {
    "created": "Created.",
    "saved": "Saved.",
    "deleted": "Deleted.",
    "linked": "Dependency added.",
    "unlinked": "Dependency removed.",
    "member-added": "Member added.",
    "member-removed": "Member removed.",
    "service-added": "Service added.",
    "service-removed": "Service removed.",
}


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a catalog template with the tier names every badge needs."""
    return render(request, name, status_code=status_code, tier_names=TIER_NAMES, **context)


def can_edit(ctx: Ctx) -> bool:
    """Admins and owners change the catalog; everyone else reads it."""
    return role_rank(ctx.actor.role) >= role_rank("admin")


def attempt(ctx: Ctx, action: Callable[[], T], *, field: str = "form") -> tuple[T | None, dict[str, str], int]:
    """Run a catalog change inside a savepoint.

    On a problem the person can fix, undo just that change (the request's unit of work still commits
    nothing half-done) and return the message keyed by the form field it belongs to, with the HTTP status.
    """
    savepoint = ctx.session.begin_nested()
    try:
        result = action()
    except (Invalid, Conflict, NotFound) as exc:
        savepoint.rollback()
        return None, {field_for(exc, field): exc.message}, exc.status_code
    savepoint.commit()
    return result, {}, 200


def field_for(exc: AppError, default: str) -> str:
    detail = exc.detail
    if isinstance(detail, dict) and isinstance(detail.get("field"), str):
        return str(detail["field"])
    return default


def parse_id(raw: str | None) -> int | None:
    """An id from a form or URL, or None when empty or not a usable number."""
    value = (raw or "").strip()
    if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def parse_offset(raw: str | None) -> int:
    value = (raw or "").strip()
    return min(int(value), MAX_ID) if value.isascii() and value.isdigit() else 0


@dataclass(frozen=True)
class Pager:
    """Previous/next links that keep the current filters in the URL."""

    total: int
    offset: int
    limit: int
    base: str
    filters: dict[str, str]

    def _url(self, offset: int) -> str:
        params = {k: v for k, v in self.filters.items() if v}
        if offset:
            params["offset"] = str(offset)
        return self.base + ("?" + urlencode(params) if params else "")

    @property
    def prev_url(self) -> str | None:
        return self._url(max(self.offset - self.limit, 0)) if self.offset > 0 else None

    @property
    def next_url(self) -> str | None:
        return self._url(self.offset + self.limit) if self.offset + self.limit < self.total else None

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.limit, self.total)

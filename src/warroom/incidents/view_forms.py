"""Reading HTML form fields for the incident pages: each problem is kept next to the field that caused it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from starlette.datastructures import FormData

from warroom.errors import AppError
from warroom.lib.schema import MAX_ID

# Integer primary keys are 32-bit on PostgreSQL: a larger id must be refused here, not crash the query.
# Outside these years a zone conversion can overflow; nobody backdates an incident that far.
MIN_YEAR, MAX_YEAR = 1970, 9998


async def read_form(request: Request) -> FormData:
    """The submitted form. Starlette caches it, so the CSRF check and the handler parse it once."""
    return await request.form()


Form = Annotated[FormData, Depends(read_form)]


class FormReader:
    """Typed access to form fields. Problems are collected in `errors` (field id → message), not raised."""

    def __init__(self, form: FormData, *, tz: str = "UTC", prefix: str = "") -> None:
        self.form = form
        self.tz = tz
        self.prefix = prefix
        self.errors: dict[str, str] = {}

    def _key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def raw(self, name: str) -> str:
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else ""

    def text(self, name: str, *, label: str, max_length: int, required: bool = False) -> str:
        value = self.raw(name)
        if required and not value:
            self.errors[self._key(name)] = f"{label} is required."
        elif len(value) > max_length:
            self.errors[self._key(name)] = f"{label} is too long: {len(value)} characters, at most {max_length}."
        return value

    def choice(self, name: str, options: Iterable[str], *, label: str) -> str:
        allowed = list(options)
        value = self.raw(name)
        if value not in allowed:
            shown = repr(value) if value else "nothing"
            self.errors[self._key(name)] = f"{label}: {shown} is not one of {', '.join(allowed)}."
        return value

    def flag(self, name: str) -> bool:
        return self.raw(name) in ("on", "true", "1", "yes")

    def optional_int(self, name: str, *, label: str, minimum: int = 0, maximum: int = 2_000_000_000) -> int | None:
        value = self.raw(name).replace(",", "").replace("_", "")
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.errors[self._key(name)] = f"{label} must be a whole number, not {self.raw(name)!r}."
            return None
        if not minimum <= number <= maximum:
            self.errors[self._key(name)] = f"{label} must be between {minimum} and {maximum:,}."
            return None
        return number

    def ints(self, name: str, *, label: str) -> list[int]:
        found: list[int] = []
        for value in self.form.getlist(name):
            if not isinstance(value, str) or not value.strip().isdigit() or int(value) > MAX_ID:
                self.errors[self._key(name)] = f"{label}: {value!r} is not an id."
                continue
            found.append(int(value))
        return found

    def list_items(self, name: str, *, label: str, max_items: int = 50, max_length: int = 100) -> list[str]:
        """A comma- or newline-separated list, e.g. regions."""
        items = [part.strip() for part in self.raw(name).replace("\n", ",").split(",")]
        items = list(dict.fromkeys(item for item in items if item))
        if len(items) > max_items:
            self.errors[self._key(name)] = f"{label}: at most {max_items} entries."
        elif any(len(item) > max_length for item in items):
            self.errors[self._key(name)] = f"{label}: each entry must be at most {max_length} characters."
        return items

    def local_datetime(self, name: str, *, label: str) -> datetime | None:
        """A `datetime-local` value, read in the person's own time zone (no offset) or as given."""
        value = self.raw(name)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.errors[self._key(name)] = f"{label}: {value!r} is not a date and time like 2026-03-01T14:30."
            return None
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            self.errors[self._key(name)] = f"{label}: the year must be between {MIN_YEAR} and {MAX_YEAR}."
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(self.tz))
        return parsed.astimezone(UTC)

    def optional_user_id(self, name: str, *, label: str, user_ids: Iterable[int]) -> int | None:
        value = self.raw(name)
        if not value:
            return None
        if not value.isdigit() or int(value) not in set(user_ids):
            self.errors[self._key(name)] = f"{label}: pick a person from the list."
            return None
        return int(value)


def local_input_value(instant: datetime | None, tz: str) -> str:
    """The value for a `datetime-local` input showing `instant` in the person's zone."""
    if instant is None:
        return ""
    return instant.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def field_of(exc: AppError, *, prefix: str, names: Iterable[str], default: str) -> str:
    """Which field a service error belongs to (the service names it in `detail`); else the form's own slot."""
    detail: Any = exc.detail
    if isinstance(detail, dict):
        name = detail.get("field")
        if isinstance(name, str) and name in set(names):
            return prefix + name
    return default

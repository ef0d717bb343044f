"""Who a target means at an instant (users directly, schedules through their on-call), and paging one person."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warroom.auth.models import User
from warroom.context import Ctx
from warroom.incidents.models import Incident
from warroom.lib.schema import MAX_ID
from warroom.paging.policies import schedule_name


@dataclass(frozen=True)
class Recipient:
    user: User
    via: str  # "direct" or the schedule's name


def optional_module(name: str) -> Any:
    """A sibling domain's module that may not exist yet (built alongside this one), or None."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name != name:
            raise  # the module exists but something it imports is missing: a real error
        return None


def on_call(ctx: Ctx, schedule_id: int, at: datetime) -> list[User]:
    """Who is on call for a schedule at `at` (nobody when the schedules domain cannot say)."""
    module = optional_module("warroom.schedules.service")
    if module is None:
        return []
    resolver = getattr(module, "on_call_users", None)
    if resolver is None:
        return []
    return list(resolver(ctx.session, schedule_id, at))


def resolve(ctx: Ctx, targets: list[dict[str, Any]], at: datetime) -> list[Recipient]:
    """Every active person the targets mean at `at`, each once, in target order."""
    found: list[Recipient] = []
    seen: set[int] = set()
    for target in targets:
        target_id = int(target["id"])
        if target["type"] == "user":
            user = ctx.session.get(User, target_id) if 1 <= target_id <= MAX_ID else None
            people = [(user, "direct")] if user is not None else []
        else:
            via = schedule_name(ctx, target_id)
            people = [(u, via) for u in on_call(ctx, target_id, at)]
        for user, via in people:
            if user is not None and user.is_active and user.id not in seen:
                seen.add(user.id)
                found.append(Recipient(user=user, via=via))
    return found


def describe_targets(ctx: Ctx, targets: list[dict[str, Any]]) -> str:
    """'Alice Archer, schedule "WMS primary"' for people."""
    parts = []
    for target in targets:
        target_id = int(target["id"])
        if target["type"] == "user":
            user = ctx.session.get(User, target_id) if 1 <= target_id <= MAX_ID else None
            parts.append(user.name if user is not None else f"user {target_id}")
        else:
            parts.append(f'schedule "{schedule_name(ctx, target_id)}"')
    return ", ".join(parts)


def page(ctx: Ctx, *, incident: Incident, user: User, page_key: str, reason: str) -> None:
    """Hand one page to the contacts domain (idempotent per page_key); nothing while it has no page_user."""
    module = optional_module("warroom.contacts.service")
    if module is None:
        return
    page_user = getattr(module, "page_user", None)
    if page_user is not None:
        page_user(ctx, incident=incident, user=user, page_key=page_key, reason=reason)


def people(recipients: list[Recipient]) -> list[dict[str, Any]]:
    """JSON-small list of who was paged, for timeline data."""
    return [{"id": r.user.id, "name": r.user.name, "via": r.via} for r in recipients]


def names(recipients: list[Recipient]) -> str:
    return ", ".join(r.user.name if r.via == "direct" else f"{r.user.name} ({r.via})" for r in recipients)

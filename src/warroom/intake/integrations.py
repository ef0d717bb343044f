"""Integrations: create, list, rotate and revoke the keyed receivers of a service; find one by its key."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.catalog import service as catalog
from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.errors import Invalid, NotFound
from warroom.intake.models import INTEGRATION_TYPES, Integration
from warroom.lib.schema import MAX_ID
from warroom.lib.tokens import hash_token

# PagerDuty routing keys are 32 characters of [a-z0-9]; every type uses that shape (about 165 bits).
KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
KEY_LENGTH = 32
# last_used_at is bookkeeping: write it at most this often so re-deliveries stay cheap.
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedIntegration:
    """An integration with its plain key, which exists only in this value (shown once)."""

    integration: Integration
    key: str
    url: str
    path_prefix: str | None


def new_key() -> str:
    """A fresh 32-character [a-z0-9] integration key."""
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))


def base_url(ctx: Ctx) -> str:
    return (ctx.settings.base_url or "http://localhost:8000").rstrip("/")


def intake_path(kind: str, key: str) -> str:
    """The path a sender posts to (for prometheus, the path Prometheus appends /api/v2/alerts to is the prefix)."""
    if kind == "alertmanager":
        return f"/integrations/alertmanager/{key}"
    if kind == "prometheus":
        return f"/integrations/prometheus/{key}/api/v2/alerts"
    if kind == "pagerduty":
        return "/v2/enqueue"
    return f"/integrations/generic/{key}"


def path_prefix(kind: str, key: str) -> str | None:
    return f"/integrations/prometheus/{key}" if kind == "prometheus" else None


def _issue(ctx: Ctx, integration: Integration, key: str) -> IssuedIntegration:
    return IssuedIntegration(
        integration=integration,
        key=key,
        url=base_url(ctx) + intake_path(integration.type, key),
        path_prefix=path_prefix(integration.type, key),
    )


def create_integration(ctx: Ctx, *, service_id: int, type: str, name: str | None = None) -> IssuedIntegration:
    """Add a receiver of `type` to the service; the returned key is never shown again."""
    service = catalog.get_service(ctx, service_id)
    if type not in INTEGRATION_TYPES:
        raise Invalid(
            f"unknown integration type {type!r}; use one of {', '.join(INTEGRATION_TYPES)}",
            {"field": "type", "allowed": list(INTEGRATION_TYPES)},
        )
    label = (name or "").strip() or f"{service.name} {type}"
    if len(label) > 200 or any(ord(c) < 32 for c in label):
        raise Invalid("an integration name must be at most 200 printable characters", {"field": "name"})
    key = new_key()
    now = ctx.now()
    integration = Integration(
        service_id=service.id,
        type=type,
        name=label,
        key_hash=hash_token(key),
        key_hint=key[-4:],
        created_at=now,
    )
    ctx.session.add(integration)
    ctx.session.flush()
    return _issue(ctx, integration, key)


def get_integration(ctx: Ctx, integration_id: int) -> Integration:
    """The integration with this id, or NotFound."""
    found = ctx.session.get(Integration, integration_id) if 1 <= integration_id <= MAX_ID else None
    if found is None:
        raise NotFound(
            f"integration {integration_id} does not exist; list them at /api/v1/services/{{id}}/integrations"
        )
    return found


def list_integrations(ctx: Ctx, *, service_id: int) -> list[Integration]:
    """The service's integrations, revoked ones included (newest first)."""
    catalog.get_service(ctx, service_id)
    query = select(Integration).where(Integration.service_id == service_id).order_by(Integration.id.desc())
    return list(ctx.session.scalars(query))


def rotate_key(ctx: Ctx, integration: Integration) -> IssuedIntegration:
    """Replace the key at once (the old one stops working); a revoked integration cannot be rotated."""
    if integration.revoked_at is not None:
        raise Invalid(f"integration {integration.id} is revoked; create a new one instead", {"field": "id"})
    key = new_key()
    integration.key_hash = hash_token(key)
    integration.key_hint = key[-4:]
    integration.rotated_at = ctx.now()
    ctx.session.flush()
    return _issue(ctx, integration, key)


def revoke(ctx: Ctx, integration: Integration) -> Integration:
    """Stop accepting the key (idempotent). Its alerts stay."""
    if integration.revoked_at is None:
        integration.revoked_at = ctx.now()
    return integration


def by_key(session: Session, key: str, *, kind: str | None = None) -> Integration | None:
    """The live integration with this key (of this type, when given); None for unknown or revoked keys alike."""
    if not key or len(key) > 200:
        return None
    found = session.scalar(select(Integration).where(Integration.key_hash == hash_token(key)))
    if found is None or found.revoked_at is not None or (kind is not None and found.type != kind):
        return None
    return found


def service_of(session: Session, integration: Integration) -> Service:
    service = session.get(Service, integration.service_id)
    assert service is not None  # the foreign key cascades deletes
    return service

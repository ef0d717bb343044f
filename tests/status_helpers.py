"""Helpers shared by the status tests: public services and incidents through the service layer."""

from __future__ import annotations

from typing import Any

from warroom.catalog.models import Service
from warroom.context import Ctx
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident


def add_service(ctx: Ctx, name: str, *, public: bool = True, description: str = "") -> Service:
    service = Service(
        name=name, tier=2, description=description, is_public=public, created_at=ctx.now(), updated_at=ctx.now()
    )
    ctx.session.add(service)
    ctx.session.flush()
    return service


def declare(ctx: Ctx, title: str = "DB primary failover", **kwargs: Any) -> Incident:
    return incidents.declare_incident(ctx, title=title, severity=kwargs.pop("severity", "SEV2"), **kwargs)

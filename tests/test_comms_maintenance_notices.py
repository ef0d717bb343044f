"""Subscribers hear about public maintenance a day ahead, at its start and at its end."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from comms_support import run_jobs
from warroom.catalog import service as catalog
from warroom.comms.models import StatusSubscriber
from warroom.maintenance import service as maintenance
from warroom.notify.models import Delivery


def _subscriber(ctx, email: str, components: list[int]) -> None:
    ctx.session.add(
        StatusSubscriber(
            kind="email",
            email=email,
            component_ids=components,
            token_nonce=secrets.token_hex(16),
            confirmed_at=ctx.now(),
            created_at=ctx.now(),
        )
    )


def _mail(db) -> list[tuple[str, str]]:
    with db.transaction() as session:
        return [(d.target, d.subject) for d in session.scalars(select(Delivery).order_by(Delivery.id))]


def test_notices_go_ahead_at_start_and_at_end(make_ctx, db, clock, settings) -> None:
    start = clock.now() + timedelta(days=2)
    with make_ctx() as ctx:
        wms = catalog.create_service(ctx, name="WMS", tier=1, public=True)
        search = catalog.create_service(ctx, name="Search", tier=2, public=True)
        _subscriber(ctx, "wms-fan@example.org", [wms.id])
        _subscriber(ctx, "search-fan@example.org", [search.id])
        maintenance.schedule(
            ctx, title="Database upgrade", service_ids=[wms.id], starts_at=start, ends_at=start + timedelta(hours=1)
        )
    run_jobs(db, clock, settings)
    assert _mail(db) == []
    clock.set(start - timedelta(hours=24))
    run_jobs(db, clock, settings)
    assert _mail(db) == [("wms-fan@example.org", "[Status] Scheduled maintenance: Database upgrade")]
    clock.set(start)
    run_jobs(db, clock, settings)
    clock.set(start + timedelta(hours=1))
    run_jobs(db, clock, settings)
    assert [subject for _to, subject in _mail(db)] == [
        "[Status] Scheduled maintenance: Database upgrade",
        "[Status] Maintenance in progress: Database upgrade",
        "[Status] Maintenance completed: Database upgrade",
    ]
    with db.transaction() as session:
        text = session.scalars(select(Delivery.body).order_by(Delivery.id)).first()
    assert text is not None and "When: 2026-03-03 12:00 UTC to 2026-03-03 13:00 UTC" in text


def test_private_maintenance_notifies_nobody(make_ctx, db, clock, settings) -> None:
    start = clock.now() + timedelta(hours=1)
    with make_ctx() as ctx:
        wms = catalog.create_service(ctx, name="WMS", tier=1, public=True)
        _subscriber(ctx, "all@example.org", [])
        maintenance.schedule(
            ctx, title="Quiet", service_ids=[wms.id], starts_at=start, ends_at=start + timedelta(hours=1), public=False
        )
    for hours in (0, 1, 2):
        clock.set(start + timedelta(hours=hours - 1))
        run_jobs(db, clock, settings)
    assert _mail(db) == []

"""Reports find their incident: by service, by a service it depends on, or by region within ±2 h."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from warroom.catalog import service as catalog
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident
from warroom.jobs.worker import Worker
from warroom.reports import service


@pytest.fixture
def world(make_ctx: Any, alice: Any) -> dict[str, int]:
    """db ← wms ← picking (picking depends on wms, wms on db), and a separate labels service."""
    with make_ctx(actor=alice.user) as ctx:
        db = catalog.create_service(ctx, name="inventory-db", tier=1)
        wms = catalog.create_service(ctx, name="WMS", tier=1, depends_on=[db.id])
        picking = catalog.create_service(ctx, name="Picking", tier=2, depends_on=[wms.id])
        labels = catalog.create_service(ctx, name="Labels", tier=2)
        return {"db": db.id, "wms": wms.id, "picking": picking.id, "labels": labels.id}


def _declare(make_ctx: Any, actor: Any, **fields: Any) -> int:
    with make_ctx(actor=actor.user) as ctx:
        values: dict[str, Any] = {"title": "WMS down", "severity": "SEV2"}
        values.update(fields)
        return incidents.declare_incident(ctx, **values).id


def _report(make_ctx: Any, actor: Any, **fields: Any) -> tuple[int | None, str | None]:
    with make_ctx(actor=actor.user) as ctx:
        values: dict[str, Any] = {"reporter": "Store 12", "channel": "phone", "description": "scanners time out"}
        values.update(fields)
        report = service.create_report(ctx, **values)
        return report.incident_id, report.matched_by


def test_a_report_on_a_service_joins_the_open_incident_on_it(make_ctx, alice, bob, world) -> None:
    incident_id = _declare(make_ctx, alice, services=[world["wms"]])
    assert _report(make_ctx, bob, service_id=world["wms"]) == (incident_id, "service")
    with make_ctx(actor=alice.user) as ctx:
        events = incidents.timeline(ctx, ctx.session.get(Incident, incident_id))
        received = [e for e in events if e.kind == "reports.received"]
        assert len(received) == 1
        assert received[0].data["summary"] == "Store 12 reported via phone (WMS): scanners time out"
        assert received[0].data["matched_by"] == "service"
        assert received[0].actor_name == "Bob"


def test_a_report_on_a_dependent_service_joins_the_upstream_incident(make_ctx, alice, bob, world) -> None:
    incident_id = _declare(make_ctx, alice, services=[world["db"]])
    assert _report(make_ctx, bob, service_id=world["picking"]) == (incident_id, "dependency")


def test_a_report_never_joins_an_incident_on_a_service_that_depends_on_its_own(make_ctx, alice, bob, world) -> None:
    _declare(make_ctx, alice, services=[world["picking"]])
    assert _report(make_ctx, bob, service_id=world["db"]) == (None, None)


def test_own_service_wins_over_a_dependency_and_then_the_most_severe(make_ctx, alice, bob, world) -> None:
    _declare(make_ctx, alice, services=[world["wms"]], severity="SEV1")
    minor = _declare(make_ctx, alice, services=[world["picking"]], severity="SEV3", title="picking slow")
    major = _declare(make_ctx, alice, services=[world["picking"]], severity="SEV2", title="picking down")
    assert _report(make_ctx, bob, service_id=world["picking"]) == (major, "service")
    assert minor != major


def test_resolved_incidents_do_not_collect_reports(make_ctx, alice, bob, world) -> None:
    incident_id = _declare(make_ctx, alice, services=[world["wms"]])
    with make_ctx(actor=alice.user) as ctx:
        incidents.change_status(ctx, ctx.session.get(Incident, incident_id), status="resolved")
    assert _report(make_ctx, bob, service_id=world["wms"]) == (None, None)


def test_without_a_service_the_region_and_time_decide(make_ctx, alice, bob, clock, world) -> None:
    incident_id = _declare(make_ctx, alice, regions=["DE", "NL"])
    clock.advance(hours=2)
    assert _report(make_ctx, bob, region="de") == (incident_id, "region")
    assert _report(make_ctx, bob, region="PL") == (None, None)
    assert _report(make_ctx, bob) == (None, None)
    clock.advance(seconds=1)
    assert _report(make_ctx, bob, region="NL") == (None, None)


def test_a_backdated_report_matches_by_its_received_time(make_ctx, alice, bob, clock, world) -> None:
    incident_id = _declare(make_ctx, alice, regions=["DE"])
    clock.advance(hours=3)
    early = clock.now() - timedelta(hours=2)
    assert _report(make_ctx, bob, region="DE", received_at=early) == (incident_id, "region")


def test_a_new_incident_picks_up_reports_that_came_just_before(make_ctx, alice, bob, clock, db, settings, world):
    before, _ = _report(make_ctx, bob, service_id=world["wms"])
    other, _ = _report(make_ctx, bob, service_id=world["labels"])
    assert (before, other) == (None, None)
    clock.advance(minutes=20)
    incident_id = _declare(make_ctx, alice, services=[world["wms"]])
    Worker(db, clock, settings).run_due()
    with make_ctx(actor=alice.user) as ctx:
        incident = ctx.session.get(Incident, incident_id)
        linked = service.reports_for_incident(ctx, incident)
        assert [(r.service_id, r.matched_by) for r in linked] == [(world["wms"], "service")]

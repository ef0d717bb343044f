from __future__ import annotations

from sqlalchemy import func, select

from warroom import demo
from warroom.catalog.models import BusinessFunction, Service
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident


def test_demo_tells_the_peak_season_wms_story(make_ctx, clock):
    with make_ctx() as ctx:
        logins = demo.load(ctx)
    assert [(email, role) for email, _pw, role in logins] == [
        ("alice@example.com", "owner"),
        ("bob@example.com", "responder"),
        ("carol@example.com", "viewer"),
    ]
    with make_ctx() as ctx:
        names = set(ctx.session.scalars(select(Service.name)))
        assert {"WMS", "Inventory DB", "Picking", "Carrier Label API", "Storefront"} <= names
        assert ctx.session.scalar(select(func.count()).select_from(BusinessFunction)) >= 2
        ongoing = ctx.session.scalar(select(Incident).where(Incident.title == "WMS database index corrupted"))
        assert ongoing is not None
        assert (ongoing.severity, ongoing.status) == ("SEV1", "identified")
        roles = incidents.current_roles(ctx, ongoing)
        assert [u.email for u in roles["incident_commander"]] == ["alice@example.com"]
        assert len(roles["technical_lead"]) == 2
        assert len(incidents.list_tasks(ctx, ongoing)) == 3
        events = incidents.timeline(ctx, ongoing)
        assert len(events) >= 10
        assert all(event.occurred_at <= clock.now() for event in events)
        past = ctx.session.scalars(select(Incident).where(Incident.id != ongoing.id)).all()
        assert sorted(i.status for i in past) == ["closed", "resolved"]
        assert all(i.resolved_at is not None for i in past)


def test_demo_can_be_loaded_twice_without_duplicates(make_ctx):
    with make_ctx() as ctx:
        demo.load(ctx)
    with make_ctx() as ctx:
        demo.load(ctx)
    with make_ctx() as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(Incident)) == 3
        assert ctx.session.scalar(select(func.count()).select_from(Service).where(Service.name == "WMS")) == 1


def test_demo_incidents_replay_to_their_rows(make_ctx):
    from warroom.incidents.journal import load_state
    from warroom.incidents.projection import replay

    with make_ctx() as ctx:
        demo.load(ctx)
    with make_ctx() as ctx:
        for incident in ctx.session.scalars(select(Incident)):
            recorded = sorted(incidents.timeline(ctx, incident), key=lambda event: event.id)
            assert replay(recorded) == load_state(ctx, incident)

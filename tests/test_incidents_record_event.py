"""Other domains (alerts, paging, status page) append their own events through record_event."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from test_incidents_support import T0
from warroom.errors import Invalid
from warroom.incidents import service
from warroom.incidents.models import Incident


def test_another_domain_appends_an_event_that_changes_no_state(make_ctx, alice, clock):
    with make_ctx(actor=alice.user) as ctx:
        incident = service.declare_incident(ctx, title="x", severity="SEV2")
        before = service.load_state(ctx, incident)
    clock.advance(minutes=1)
    with make_ctx(source="system") as ctx:
        incident = ctx.session.get(Incident, incident.id)
        event = service.record_event(
            ctx, incident, kind="page.sent", data={"summary": "paged Bob"}, occurred_at=T0 + timedelta(seconds=30)
        )
        after = service.load_state(ctx, incident)
    assert (event.kind, event.source, event.actor_id, event.actor_name) == ("page.sent", "system", None, "Warroom")
    assert event.occurred_at == T0 + timedelta(seconds=30)
    assert after == replace(before, updated_at=T0 + timedelta(minutes=1))


@pytest.mark.parametrize("kind", ["status.changed", "incident.acknowledged", "nodot", "x" * 61 + ".y"])
def test_record_event_refuses_this_domains_kinds_and_odd_names(make_ctx, kind):
    with make_ctx() as ctx:
        incident = service.declare_incident(ctx, title="x", severity="SEV2")
        with pytest.raises(Invalid):
            service.record_event(ctx, incident, kind=kind, data={})


def test_update_incident_changes_only_the_keywords_given(make_ctx):
    with make_ctx() as ctx:
        incident = service.declare_incident(ctx, title="x", severity="SEV2", customers_affected=3, summary="s")
        service.update_incident(ctx, incident, customers_affected=None)
        assert (incident.customers_affected, incident.summary, incident.title) == (None, "s", "x")
        service.update_incident(ctx, incident)
        assert [e.kind for e in service.timeline(ctx, incident)] == ["incident.declared", "impact.updated"]


def test_service_functions_report_roles_and_commander_need(make_ctx, bob):
    with make_ctx() as ctx:
        incident = service.declare_incident(ctx, title="x", severity="SEV1")
        assert service.needs_commander(ctx, incident) is True
        service.assign_role(ctx, incident, role="incident_commander", user_id=bob.id)
        roles = service.current_roles(ctx, incident)
        assert [u.id for u in roles["incident_commander"]] == [bob.id]
        assert service.unfilled_roles(ctx, incident) == [
            "technical_lead",
            "communications_lead",
            "scribe",
            "support_liaison",
        ]
        assert service.needs_commander(ctx, incident) is False
        assert service.acknowledge(ctx, incident) is True
        assert service.acknowledge(ctx, incident) is False

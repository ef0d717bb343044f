"""Response metrics per team from fixed timestamps: exact nearest-rank median and p90 of every metric."""

from __future__ import annotations

from datetime import timedelta

import pytest

from test_review_support import T0
from warroom.catalog.models import Service, Team
from warroom.incidents import service as incidents
from warroom.incidents.models import Incident

# (minutes to acknowledge, minutes to resolve, services), each declared a day after the one before.
# Fulfilment owns WMS; Shipping owns Labels and Carrier; nobody owns Portal.
HISTORY = [
    (30, 300, ["WMS"]),
    (12, 100, ["Labels"]),
    (1, 10, ["WMS"]),
    (7, 70, ["WMS", "Labels"]),  # counts once for each team
    (2, 20, ["WMS"]),
    (15, 200, ["Labels", "Carrier"]),  # two Shipping services: counts once for Shipping
    (3, 30, ["WMS"]),
    (4, 40, ["WMS"]),
    (50, 500, ["Portal"]),  # no team: in no team's numbers
    (5, 50, ["WMS"]),
    (6, 60, ["WMS"]),
    (8, 80, ["WMS"]),
    (9, 90, ["WMS"]),
]


def _catalog(make_ctx):
    with make_ctx() as ctx:
        teams = {name: Team(name=name, description="", created_at=T0) for name in ("Fulfilment", "Shipping")}
        ctx.session.add_all(teams.values())
        ctx.session.flush()
        owners = {"WMS": "Fulfilment", "Labels": "Shipping", "Carrier": "Shipping", "Portal": None}
        ids = {}
        for name, team in owners.items():
            svc = Service(
                name=name,
                tier=2,
                description="",
                created_at=T0,
                updated_at=T0,
                is_public=False,
                team_id=teams[team].id if team else None,
            )
            ctx.session.add(svc)
            ctx.session.flush()
            ids[name] = svc.id
        return ids


def _incident(make_ctx, clock, alice, *, start, ack_after, resolve_after, services, exercise=False):
    clock.set(start)
    with make_ctx(actor=alice.user) as ctx:
        incident = incidents.declare_incident(
            ctx,
            title="Outage",
            severity="SEV2",
            services=services,
            exercise=exercise,
            detected_at=start - timedelta(minutes=2),
            impact_started_at=start - timedelta(minutes=5),
        )
        incident_id = incident.id
    clock.set(start + timedelta(minutes=ack_after))
    with make_ctx(actor=alice.user) as ctx:
        incidents.acknowledge(ctx, ctx.session.get(Incident, incident_id))
    clock.set(start + timedelta(minutes=resolve_after))
    with make_ctx(actor=alice.user) as ctx:
        incidents.change_status(ctx, ctx.session.get(Incident, incident_id), status="resolved")


@pytest.fixture
def body(make_ctx, clock, alice, alice_api):
    ids = _catalog(make_ctx)
    for day, (ack, resolve, names) in enumerate(HISTORY):
        start = T0 + timedelta(days=day)
        _incident(
            make_ctx, clock, alice, start=start, ack_after=ack, resolve_after=resolve, services=[ids[n] for n in names]
        )
    # A game day on a Fulfilment service: reported with the exercises only.
    start = T0 + timedelta(days=len(HISTORY))
    _incident(make_ctx, clock, alice, start=start, ack_after=20, resolve_after=25, services=[ids["WMS"]], exercise=True)
    clock.set(T0 + timedelta(days=40))
    response = alice_api.get("/api/v1/metrics", params={"since": "2026-02-01"})
    assert response.status_code == 200, response.text
    return response.json()


def test_each_team_gets_the_exact_median_and_p90_of_its_incidents(body):
    assert sorted(body["by_team"]) == ["Fulfilment", "Shipping"]
    assert body["overall"]["incidents"] == 13
    fulfilment = body["by_team"]["Fulfilment"]
    # Detected 2 minutes before declaring: acknowledge = ack + 2 minutes; resolve = resolve + 2 minutes.
    # Ten values: the median is the 5th smallest, p90 the 9th (nearest rank), not the largest.
    assert fulfilment == {
        "incidents": 10,
        "time_to_detect": {"count": 10, "median": 180, "p90": 180},
        "time_to_acknowledge": {"count": 10, "median": 420, "p90": 660},
        "time_to_mitigate": {"count": 10, "median": 3120, "p90": 5520},
        "time_to_resolve": {"count": 10, "median": 3120, "p90": 5520},
        "time_to_first_public_update": {"count": 0, "median": None, "p90": None},
    }
    # Three values (9, 14 and 17 minutes to acknowledge): median the 2nd, p90 the 3rd.
    assert body["by_team"]["Shipping"] == {
        "incidents": 3,
        "time_to_detect": {"count": 3, "median": 180, "p90": 180},
        "time_to_acknowledge": {"count": 3, "median": 840, "p90": 1020},
        "time_to_mitigate": {"count": 3, "median": 6120, "p90": 12120},
        "time_to_resolve": {"count": 3, "median": 6120, "p90": 12120},
        "time_to_first_public_update": {"count": 0, "median": None, "p90": None},
    }


def test_team_numbers_match_their_services_where_a_team_owns_one_service(body):
    assert body["by_service"]["WMS"] == body["by_team"]["Fulfilment"]
    # Labels (3 incidents) and Carrier (1) are both Shipping's: the incident on both counts once for the team.
    assert body["by_service"]["Labels"]["incidents"] == 3
    assert body["by_service"]["Carrier"]["incidents"] == 1
    assert body["by_service"]["Portal"]["time_to_acknowledge"] == {"count": 1, "median": 3120, "p90": 3120}


def test_an_exercise_counts_for_its_team_only_among_exercises(body):
    assert sorted(body["exercises"]["by_team"]) == ["Fulfilment"]
    drill = body["exercises"]["by_team"]["Fulfilment"]
    assert (drill["incidents"], drill["time_to_acknowledge"], drill["time_to_resolve"]) == (
        1,
        {"count": 1, "median": 1320, "p90": 1320},
        {"count": 1, "median": 1620, "p90": 1620},
    )

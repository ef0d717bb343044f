"""The projection invariant: replaying an incident's events from nothing gives exactly its rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from test_incidents_support import T0, add_service
from warroom.errors import AppError
from warroom.incidents import lifecycle, service
from warroom.incidents.models import ROLES, STATUSES, TASK_STATUSES, Incident, TimelineEvent
from warroom.incidents.projection import COLUMNS, IncidentState, replay


@pytest.fixture(autouse=True)
def _core_lifecycle_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The core lifecycle alone; the post-mortem close rule has its own tests (tests/test_review_close_rule.py)."""
    monkeypatch.setattr(lifecycle, "CLOSE_GUARDS", [])


def replayed(ctx, incident: Incident) -> IncidentState:
    query = select(TimelineEvent).where(TimelineEvent.incident_id == incident.id).order_by(TimelineEvent.id)
    return replay(ctx.session.scalars(query))


def assert_row_matches_log(make_ctx, incident_id: int) -> IncidentState:
    with make_ctx() as ctx:
        incident = ctx.session.get(Incident, incident_id)
        rows = service.load_state(ctx, incident)
        rebuilt = replayed(ctx, incident)
        for column in COLUMNS:
            assert getattr(rebuilt, column) == getattr(rows, column), column
        assert rebuilt.roles == rows.roles
        assert rebuilt.services == rows.services
        assert rebuilt.tasks == rows.tasks
        assert rebuilt == rows
        return rebuilt


def test_a_long_history_replays_to_the_same_row(make_ctx, clock, alice, bob, charlie):
    db_id = add_service(make_ctx, "Inventory DB", tier=1)
    wms_id = add_service(make_ctx, "WMS", tier=1, depends_on=(db_id,))
    labels_id = add_service(make_ctx, "Labels", tier=2)
    with make_ctx(actor=alice.user) as ctx:
        incident = service.declare_incident(
            ctx,
            title="Picking stalls",
            severity="SEV2",
            services=[wms_id],
            detected_at=T0 - timedelta(minutes=20),
            impact_started_at=T0 - timedelta(minutes=30),
            regions=["EU"],
            commander_id=alice.id,
        )
        incident_id = incident.id
    steps = [
        lambda ctx, i: service.acknowledge(ctx, i),
        lambda ctx, i: service.change_severity(ctx, i, severity="SEV1", reason="all halls"),
        lambda ctx, i: service.assign_role(ctx, i, role="technical_lead", user_id=bob.id),
        lambda ctx, i: service.assign_role(ctx, i, role="technical_lead", user_id=alice.id),
        lambda ctx, i: service.assign_role(ctx, i, role="incident_commander", user_id=bob.id),
        lambda ctx, i: service.assign_role(ctx, i, role="communications_lead", user_id=charlie.id),
        lambda ctx, i: service.remove_role_holder(ctx, i, role="technical_lead", user_id=bob.id),
        lambda ctx, i: service.set_services(ctx, i, services=[wms_id, db_id]),
        lambda ctx, i: service.change_status(ctx, i, status="identified", note="index bloat"),
        lambda ctx, i: service.add_note(ctx, i, body="backdated", occurred_at=ctx.now() - timedelta(hours=1)),
        lambda ctx, i: service.update_incident(ctx, i, impact="Hall 3 idle", customers_affected=300, segments=["B2B"]),
        lambda ctx, i: service.add_task(ctx, i, title="Reindex", assignee_id=bob.id, due_at=ctx.now()),
        lambda ctx, i: service.change_status(ctx, i, status="monitoring"),
        lambda ctx, i: service.update_task(ctx, i, service.list_tasks(ctx, i)[0].id, status="done"),
        lambda ctx, i: service.change_status(ctx, i, status="investigating", note="errors again"),
        lambda ctx, i: service.update_incident(ctx, i, mitigated_at=ctx.now() - timedelta(minutes=3), private=True),
        lambda ctx, i: service.assign_role(ctx, i, role="communications_lead", user_id=None),
        lambda ctx, i: service.set_services(ctx, i, services=[labels_id]),
        lambda ctx, i: service.change_status(ctx, i, status="resolved"),
        lambda ctx, i: service.change_status(ctx, i, status="investigating"),
        lambda ctx, i: service.update_task(ctx, i, service.list_tasks(ctx, i)[0].id, status="open", assignee_id=None),
        lambda ctx, i: service.change_severity(ctx, i, severity="SEV3"),
        lambda ctx, i: service.change_status(ctx, i, status="resolved"),
        lambda ctx, i: service.correct_event(ctx, i, event_id=service.timeline(ctx, i)[0].id, body="typo"),
        lambda ctx, i: service.change_status(ctx, i, status="closed"),
    ]
    for step in steps:
        clock.advance(minutes=3)
        with make_ctx(actor=alice.user) as ctx:
            step(ctx, ctx.session.get(Incident, incident_id))
        assert_row_matches_log(make_ctx, incident_id)
    final = assert_row_matches_log(make_ctx, incident_id)
    assert final.status == "closed"
    assert final.severity == "SEV3"
    assert final.is_private is True
    assert final.roles["incident_commander"] == (bob.id,)
    assert final.roles["technical_lead"] == (alice.id,)
    assert final.roles["communications_lead"] == ()
    assert final.services == (labels_id,)
    assert final.acknowledged_by_id == alice.id
    assert final.detected_at == T0 - timedelta(minutes=20)
    assert final.impact_started_at == T0 - timedelta(minutes=30)
    assert final.mitigated_at == T0 + timedelta(minutes=45)
    assert final.resolved_at == T0 + timedelta(minutes=69)
    assert final.closed_at == T0 + timedelta(minutes=75)
    [task] = final.tasks.values()
    assert (task.status, task.assignee_id, task.completed_at) == ("open", None, None)


ACTIONS = st.one_of(
    st.tuples(st.just("status"), st.sampled_from(STATUSES)),
    st.tuples(st.just("severity"), st.sampled_from(["SEV1", "SEV2", "SEV3", "SEV4"])),
    st.tuples(st.just("role"), st.sampled_from(list(ROLES)), st.sampled_from([0, 1, 2, None])),
    st.tuples(st.just("unrole"), st.sampled_from(list(ROLES)), st.sampled_from([0, 1, 2])),
    st.tuples(st.just("ack")),
    st.tuples(st.just("services"), st.lists(st.sampled_from([0, 1, 2]), max_size=3)),
    st.tuples(st.just("impact"), st.integers(min_value=-1, max_value=5), st.lists(st.sampled_from(["EU", "US"]))),
    st.tuples(st.just("mitigated"), st.integers(min_value=-10, max_value=5)),
    st.tuples(st.just("task"), st.sampled_from([0, 1, 2, None])),
    st.tuples(st.just("task_status"), st.sampled_from([*TASK_STATUSES, "bogus"])),
    st.tuples(st.just("note"), st.integers(min_value=-30, max_value=2)),
)


def _act(ctx, incident, action, people, services) -> None:
    kind = action[0]
    if kind == "status":
        service.change_status(ctx, incident, status=action[1])
    elif kind == "severity":
        service.change_severity(ctx, incident, severity=action[1])
    elif kind == "role":
        user = None if action[2] is None else people[action[2]]
        service.assign_role(ctx, incident, role=action[1], user_id=user)
    elif kind == "unrole":
        service.remove_role_holder(ctx, incident, role=action[1], user_id=people[action[2]])
    elif kind == "ack":
        service.acknowledge(ctx, incident)
    elif kind == "services":
        service.set_services(ctx, incident, services=[services[i] for i in action[1]])
    elif kind == "impact":
        service.update_incident(ctx, incident, customers_affected=action[1], regions=action[2])
    elif kind == "mitigated":
        service.update_incident(ctx, incident, mitigated_at=ctx.now() + timedelta(minutes=action[1]))
    elif kind == "task":
        assignee = None if action[1] is None else people[action[1]]
        service.add_task(ctx, incident, title="task", assignee_id=assignee)
    elif kind == "task_status":
        tasks = service.list_tasks(ctx, incident)
        if tasks:
            service.update_task(ctx, incident, tasks[-1].id, status=action[1])
    elif kind == "note":
        service.add_note(ctx, incident, body="n", occurred_at=ctx.now() + timedelta(minutes=action[1]))


@pytest.fixture
def world(make_ctx, alice, bob, charlie):
    services = [add_service(make_ctx, name, tier=1) for name in ("A", "B", "C")]
    return [alice.id, bob.id, charlie.id], services, alice


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(actions=st.lists(ACTIONS, min_size=1, max_size=25))
def test_random_legal_and_illegal_sequences_keep_row_and_log_equal(make_ctx, clock, world, actions):
    people, services, alice = world
    with make_ctx(actor=alice.user) as ctx:
        incident_id = service.declare_incident(ctx, title="random", severity="SEV2").id
    for action in actions:
        clock.advance(minutes=1)
        try:
            with make_ctx(actor=alice.user) as ctx:
                _act(ctx, ctx.session.get(Incident, incident_id), action, people, services)
        except AppError:
            pass  # refused: the transaction rolled back, so neither log nor row changed
    assert_row_matches_log(make_ctx, incident_id)

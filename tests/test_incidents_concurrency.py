"""Concurrent changes to one incident append and project one at a time (PostgreSQL row lock)."""

from __future__ import annotations

import threading
from itertools import pairwise

import pytest

from test_incidents_replay import assert_row_matches_log
from warroom.errors import AppError
from warroom.incidents import service


def test_two_concurrent_status_changes_keep_a_consistent_chain(make_ctx, db, alice):
    if not db.is_postgres:
        pytest.skip("SQLite already serialises writers with BEGIN IMMEDIATE; the row lock matters on PostgreSQL")
    with make_ctx(actor=alice.user) as ctx:
        incident_id = service.declare_incident(ctx, title="race", severity="SEV2").id
    both_loaded = threading.Barrier(2, timeout=10)
    outcomes: dict[str, str] = {}

    def change(status: str) -> None:
        try:
            with make_ctx(actor=alice.user) as ctx:
                incident = service.get_incident(ctx, incident_id)
                both_loaded.wait()  # both have read "investigating" before either changes it
                service.change_status(ctx, incident, status=status)
            outcomes[status] = "ok"
        except AppError as exc:
            outcomes[status] = type(exc).__name__

    threads = [threading.Thread(target=change, args=(s,)) for s in ("identified", "monitoring")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert set(outcomes) == {"identified", "monitoring"}
    with make_ctx() as ctx:
        incident = service.get_incident(ctx, incident_id)
        changes = [e.data for e in service.timeline(ctx, incident) if e.kind == "status.changed"]
    # Whoever went second saw the first one's result: each change starts where the previous ended.
    assert len(changes) == list(outcomes.values()).count("ok")
    assert changes[0]["from"] == "investigating"
    for earlier, later in pairwise(changes):
        assert later["from"] == earlier["to"]
    assert incident.status == changes[-1]["to"]
    assert_row_matches_log(make_ctx, incident_id)

"""The confirmation rule: two independent signals agree (alert + report, two alert sources, two report channels)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.reports.evidence import AlertView, confirmation
from warroom.reports.models import UserReport

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def alert(number: int, *, integration: int = 1, source: str = "", title: str = "") -> AlertView:
    return AlertView(
        id=number,
        title=title or f"alert {number}",
        status="firing",
        severity="critical",
        service_id=1,
        source=source,
        integration_id=integration,
        labels={},
        first_seen=AT,
        incident_id=1,
    )


def report(channel: str, reporter: str = "Acme") -> UserReport:
    return UserReport(reporter=reporter, channel=channel, description="down", region="", segment="")


@pytest.mark.parametrize(
    ("alerts", "reports", "value", "reason"),
    [
        ([], [], False, "no alerts or user reports yet; two independent signals confirm an incident"),
        (
            [alert(1, title="WMS 5xx")],
            [report("phone", "Store 12")],
            True,
            "an alert and a user report agree: “WMS 5xx” and a phone report from Store 12",
        ),
        (
            [alert(1, integration=1, source="prometheus"), alert(2, integration=2, source="pagerduty")],
            [],
            True,
            "alerts from 2 independent sources agree: prometheus and pagerduty",
        ),
        (
            [alert(1, source="db-1"), alert(2, source="db-2")],
            [],
            True,
            "alerts from 2 independent sources agree: db-1 and db-2",
        ),
        (
            [alert(1, source="db-1"), alert(2, source="db-1")],
            [],
            False,
            "2 alerts, all from one source (db-1); confirmation needs an alert from another source or a user report",
        ),
        (
            [alert(1)],
            [],
            False,
            "1 alert, all from one source (integration #1); confirmation needs an alert from another source "
            "or a user report",
        ),
        (
            [],
            [report("support_ticket"), report("phone")],
            True,
            "user reports arrived through 2 different channels: support ticket and phone",
        ),
        (
            [],
            [report("chat"), report("chat", "Globex")],
            False,
            "2 user reports, all via chat; confirmation needs an alert or a report through another channel",
        ),
    ],
)
def test_the_confirmation_table(alerts, reports, value, reason) -> None:
    result = confirmation(alerts, reports)
    assert (result.value, result.reason) == (value, reason)

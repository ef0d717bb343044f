"""The demo shows the status page mid-incident: two published WMS updates and 90 days of history."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from warroom import demo
from warroom.status.models import DailyUptime


def test_the_demo_status_page_is_mid_incident_with_history(client, make_ctx):
    with make_ctx() as ctx:
        demo.load(ctx)
    with make_ctx() as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(DailyUptime)) == 5 * 90

    summary = client.get("/status/api/v2/summary.json").json()
    (wms,) = summary["incidents"]
    assert wms["name"] == "Delays in warehouse order processing"
    assert [u["status"] for u in wms["incident_updates"]] == ["identified", "investigating"]
    assert summary["status"]["indicator"] == "critical"
    assert [m["name"] for m in summary["scheduled_maintenances"]] == ["Inventory database upgrade"]
    html = client.get("/status").text
    states = re.findall(r'<li class="day b-(\w+)"', html)
    assert len(states) == 5 * 90
    assert states.count("no_data") == 0
    assert states.count("degraded_performance") >= 3
    assert "WMS database index corrupted" not in html

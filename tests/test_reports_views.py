"""Reports pages and the evidence panel on the incident page: confirmation, attach, merge."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import ui_login
from warroom.catalog import service as catalog
from warroom.incidents import service as incidents
from warroom.intake.models import Alert


@pytest.fixture
def wms(make_ctx: Any, alice: Any) -> dict[str, int]:
    with make_ctx(actor=alice.user) as ctx:
        service = catalog.create_service(ctx, name="WMS", tier=1)
        picking = catalog.create_service(ctx, name="Picking", tier=2, depends_on=[service.id])
        incident = incidents.declare_incident(ctx, title="WMS down", severity="SEV1", services=[service.id])
        other = incidents.declare_incident(ctx, title="Scanners slow", severity="SEV3")
        return {"service": service.id, "picking": picking.id, "incident": incident.id, "other": other.id}


def _report(client: Any, csrf: str, channel: str, service_id: int) -> Any:
    form = {"csrf_token": csrf, "reporter": f"Store via {channel}", "channel": channel}
    form.update(service_id=str(service_id), region="DE", segment="", description="handhelds freeze")
    return client.post("/reports", data=form, follow_redirects=False)


def test_two_reports_through_the_form_confirm_the_incident(client: Any, bob: Any, wms: dict[str, int]) -> None:
    csrf = ui_login(client, bob)
    assert client.get("/reports/new").status_code == 200
    first = _report(client, csrf, "support_ticket", wms["service"])
    assert first.status_code == 303
    listing = client.get(first.headers["location"])
    assert f'linked to <a href="/incidents/{wms["incident"]}">incident #{wms["incident"]}</a> (matched by service)' in (
        listing.text
    )
    page = client.get(f"/incidents/{wms['incident']}")
    assert "Not confirmed" in page.text
    _report(client, csrf, "phone", wms["service"])
    page = client.get(f"/incidents/{wms['incident']}")
    assert "✔</span> Confirmed" in page.text
    assert "User reports arrived through 2 different channels: support ticket and phone." in page.text
    assert "Store via phone" in page.text


def test_form_errors_are_next_to_their_field(client: Any, bob: Any) -> None:
    csrf = ui_login(client, bob)
    page = client.post("/reports", data={"csrf_token": csrf, "reporter": "", "channel": "phone", "description": "x"})
    assert page.status_code == 422
    assert 'id="reporter-error"' in page.text
    page = client.post("/reports", data={"csrf_token": csrf, "reporter": "A", "channel": "fax", "description": "x"})
    assert 'id="channel-error"' in page.text


def test_attach_and_merge_from_the_panel(client: Any, bob: Any, wms: dict[str, int], make_ctx: Any, clock) -> None:
    now = clock.now()
    with make_ctx() as ctx:
        alert = Alert(
            service_id=wms["picking"], fingerprint="p1", status="firing", severity="error", title="picking 5xx",
            labels={}, starts_at=now, first_seen=now, last_seen=now, firing_count=1,
        )  # fmt: skip
        ctx.session.add(alert)
        ctx.session.flush()
        alert_id = alert.id
    csrf = ui_login(client, bob)
    page = client.get(f"/incidents/{wms['incident']}")
    assert "Possibly related" in page.text
    assert f'action="/incidents/{wms["incident"]}/related/{alert_id}/attach"' in page.text
    attached = client.post(f"/incidents/{wms['incident']}/related/{alert_id}/attach", data={"csrf_token": csrf})
    assert attached.status_code == 200
    assert "Possibly related" not in attached.text
    assert "1 firing of 1" in attached.text
    other_page = client.get(f"/incidents/{wms['other']}")
    assert re.search(rf'<option value="{wms["incident"]}">#{wms["incident"]} SEV1 · WMS down</option>', other_page.text)
    merged = client.post(f"/incidents/{wms['other']}/merge", data={"csrf_token": csrf, "into": str(wms["incident"])})
    assert merged.status_code == 200
    assert f'Merged from: <a href="/incidents/{wms["other"]}">#{wms["other"]}</a>' in merged.text
    assert f'Merged into <a href="/incidents/{wms["incident"]}">' in client.get(f"/incidents/{wms['other']}").text


def test_viewers_see_evidence_without_action_buttons(client: Any, charlie: Any, wms: dict[str, int]) -> None:
    ui_login(client, charlie)
    page = client.get(f"/incidents/{wms['incident']}")
    assert "Evidence" in page.text
    assert "No alerts or user reports yet; two independent signals confirm an incident." in page.text
    assert "Merge into another incident" not in page.text
    assert client.get("/reports").status_code == 200
    assert client.get("/reports/new").status_code == 403

"""The incident pages through TestClient: list, declare form, permissions, CSRF and the live fragment."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import func, select

from conftest import ui_login
from warroom.catalog.models import Service
from warroom.incidents import service
from warroom.incidents.models import Incident

# Status codes of refusals are checked on JSON-mode requests: the HTML error page currently fails for
# signed-in users (web.py closes the session before the error page renders; reported to the lead).


def _declare(make_ctx, actor, **fields):
    fields.setdefault("severity", "SEV2")
    with make_ctx(actor=actor.user) as ctx:
        return service.declare_incident(ctx, **fields)


def _add_service(make_ctx, name, tier=1):
    with make_ctx() as ctx:
        row = Service(name=name, tier=tier, description="", created_at=ctx.now(), updated_at=ctx.now())
        ctx.session.add(row)
        ctx.session.flush()
        return row.id


def _incident_count(db):
    with db.transaction(readonly=True) as session:
        return session.scalar(select(func.count()).select_from(Incident))


def _field_error(html, field_id):
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else None


def _titles(html):
    return re.findall(r'class="incident-link" href="/incidents/\d+">#\d+ ([^<]+)</a>', html)


def test_a_viewer_sees_the_list_without_the_declare_button(client, alice, charlie, make_ctx):
    _declare(make_ctx, alice, title="Checkout errors")
    ui_login(client, charlie)
    page = client.get("/incidents")
    assert page.status_code == 200
    assert _titles(page.text) == ["Checkout errors"]
    assert "Declare incident" not in page.text
    assert 'href="/incidents/new"' not in page.text


def test_a_responder_sees_the_declare_button(client, bob):
    ui_login(client, bob)
    page = client.get("/incidents")
    assert '<a class="button primary" href="/incidents/new">' in page.text


def test_a_viewer_cannot_open_the_declare_form_or_declare(client, charlie, db):
    csrf = ui_login(client, charlie)
    assert client.get("/incidents/new").status_code == 403
    response = client.post("/incidents", data={"csrf_token": csrf, "title": "Nope", "severity": "SEV3"})
    assert response.status_code == 403
    assert response.json()["error"] == "this needs the responder role or higher; you are viewer"
    assert _incident_count(db) == 0


def test_a_viewer_reads_the_war_room_but_gets_no_forms(client, alice, charlie, make_ctx):
    incident = _declare(make_ctx, alice, title="Label printers offline")
    ui_login(client, charlie)
    page = client.get(f"/incidents/{incident.id}")
    assert page.status_code == 200
    assert "Label printers offline" in page.text
    assert 'id="composer"' not in page.text
    assert f'action="/incidents/{incident.id}/status"' not in page.text
    assert f'action="/incidents/{incident.id}/roles"' not in page.text
    assert "Responders and admins can add notes." in page.text


def test_a_viewer_cannot_post_a_note(client, alice, charlie, make_ctx):
    incident = _declare(make_ctx, alice, title="Label printers offline")
    csrf = ui_login(client, charlie)
    response = client.post(f"/incidents/{incident.id}/notes", data={"csrf_token": csrf, "body": "hi"})
    assert response.status_code == 403
    with make_ctx(actor=alice.user) as ctx:
        assert [e.kind for e in service.timeline(ctx, service.get_incident(ctx, incident.id))] == ["incident.declared"]


def test_a_responder_declares_an_incident_and_lands_on_its_page(client, bob, make_ctx):
    wms = _add_service(make_ctx, "wms")
    csrf = ui_login(client, bob)
    form = {
        "csrf_token": csrf,
        "title": "WMS pick lists fail",
        "severity": "SEV1",
        "summary": "503 from the WMS API",
        "services": str(wms),
        "private": "on",
        "impact": "No picking",
        "customers_affected": "1,200",
        "commander_id": str(bob.id),
    }
    response = client.post("/incidents", data=form, follow_redirects=False)
    assert response.status_code == 303
    incident_id = int(response.headers["location"].rsplit("/", 1)[1])
    with make_ctx(actor=bob.user) as ctx:
        incident = service.get_incident(ctx, incident_id)
        assert (incident.title, incident.severity, incident.summary) == (
            "WMS pick lists fail",
            "SEV1",
            "503 from the WMS API",
        )
        assert (incident.is_private, incident.is_exercise, incident.customers_affected) == (True, False, 1200)
        assert [s.name for s in service.incident_services(ctx, incident)] == ["wms"]
        assert [u.name for u in service.current_roles(ctx, incident)["incident_commander"]] == ["Bob"]
    page = client.get(response.headers["location"])
    assert "SEV1 without an Incident Commander" not in page.text


def test_declare_form_errors_are_shown_next_to_their_fields(client, bob, db):
    csrf = ui_login(client, bob)
    form = {"csrf_token": csrf, "title": "", "severity": "SEV9", "customers_affected": "lots", "summary": "keep me"}
    response = client.post("/incidents", data=form)
    assert response.status_code == 422
    assert _field_error(response.text, "title") == "Title is required."
    assert _field_error(response.text, "severity") == "Severity: 'SEV9' is not one of SEV1, SEV2, SEV3, SEV4."
    assert _field_error(response.text, "customers_affected") == "Customers affected must be a whole number, not 'lots'."
    assert 'id="title" name="title"' in response.text and 'aria-describedby="title-error"' in response.text
    assert ">keep me</textarea>" in response.text
    assert _incident_count(db) == 0


def test_a_refusal_from_the_service_is_shown_next_to_its_field_and_nothing_is_saved(client, bob, db):
    csrf = ui_login(client, bob)
    form = {"csrf_token": csrf, "title": "Tomorrow's outage", "severity": "SEV3", "detected_at": "2030-01-01T10:00"}
    response = client.post("/incidents", data=form)
    assert response.status_code == 422
    assert "future" in _field_error(response.text, "detected_at")
    assert _incident_count(db) == 0


def test_form_posts_without_a_csrf_token_are_forbidden(client, alice, bob, make_ctx, db):
    incident = _declare(make_ctx, alice, title="Checkout errors")
    ui_login(client, bob)
    assert client.post("/incidents", data={"title": "x", "severity": "SEV3"}).status_code == 403
    assert client.post(f"/incidents/{incident.id}/notes", data={"body": "x"}).status_code == 403
    assert client.post(f"/incidents/{incident.id}/acknowledge", data={"csrf_token": "forged"}).status_code == 403
    assert _incident_count(db) == 1
    with make_ctx(actor=alice.user) as ctx:
        assert service.get_incident(ctx, incident.id).acknowledged_at is None


def test_an_anonymous_visitor_is_sent_to_login(client, alice, make_ctx):
    incident = _declare(make_ctx, alice, title="Checkout errors")
    response = client.get(f"/incidents/{incident.id}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=%2Fincidents%2F{incident.id}"


def test_an_unknown_or_private_incident_is_not_found(client, alice, charlie, make_ctx):
    secret = _declare(make_ctx, alice, title="Payroll leak", private=True)
    ui_login(client, charlie)
    assert client.get("/incidents/999").status_code == 404
    assert client.get(f"/incidents/{secret.id}").status_code == 404
    assert client.get(f"/incidents/{secret.id}/timeline/fragment").status_code == 404
    assert "Payroll leak" not in client.get("/incidents").text


def test_the_list_filters_by_status_severity_service_and_search(client, alice, make_ctx):
    wms = _add_service(make_ctx, "wms")
    _declare(make_ctx, alice, title="Checkout errors", severity="SEV1")
    _declare(make_ctx, alice, title="WMS slow", severity="SEV3", services=[wms])
    resolved = _declare(make_ctx, alice, title="Old checkout bug", severity="SEV3")
    with make_ctx(actor=alice.user) as ctx:
        service.change_status(ctx, service.get_incident(ctx, resolved.id), status="resolved")
    ui_login(client, alice)
    assert _titles(client.get("/incidents").text) == ["Old checkout bug", "WMS slow", "Checkout errors"]
    open_only = client.get("/incidents?status=investigating&status=identified&status=monitoring")
    assert _titles(open_only.text) == ["WMS slow", "Checkout errors"]
    assert _titles(client.get("/incidents?severity=SEV3").text) == ["Old checkout bug", "WMS slow"]
    assert _titles(client.get(f"/incidents?service={wms}").text) == ["WMS slow"]
    assert _titles(client.get("/incidents?q=checkout&status=investigating").text) == ["Checkout errors"]
    assert "No incidents match these filters" in client.get("/incidents?q=nothing-like-this").text


def test_the_list_filters_by_declared_date_in_the_viewers_zone(client, alice, make_ctx, clock):
    _declare(make_ctx, alice, title="March first")  # 2026-03-01 12:00 UTC
    clock.advance(days=1, hours=11, minutes=30)  # 2026-03-02 23:30 UTC = 2026-03-03 00:30 in Berlin
    _declare(make_ctx, alice, title="Just after midnight in Berlin")
    ui_login(client, alice)
    assert _titles(client.get("/incidents?from=2026-03-01&to=2026-03-02").text) == ["March first"]
    assert _titles(client.get("/incidents?from=2026-03-03").text) == ["Just after midnight in Berlin"]


def test_bad_filters_are_refused_with_the_reason_next_to_the_filter(client, alice):
    ui_login(client, alice)
    response = client.get("/incidents?status=sleeping&from=yesterday&page=0")
    assert response.status_code == 422
    assert _field_error(response.text, "status").startswith("Unknown status sleeping; pick from investigating")
    assert _field_error(response.text, "from") == "'yesterday' is not a date like 2026-03-01."
    assert _field_error(response.text, "page") == "Page '0' is not a page number."


def test_the_list_paginates_on_the_server_and_keeps_the_filters(client, alice, make_ctx, clock):
    for number in range(27):
        clock.advance(minutes=1)
        _declare(make_ctx, alice, title=f"Incident {number:02d}", severity="SEV4")
    ui_login(client, alice)
    first = client.get("/incidents?severity=SEV4")
    assert len(_titles(first.text)) == 25
    assert "27 incidents, page 1 of 2." in first.text
    assert 'href="/incidents?severity=SEV4&amp;page=2" rel="next"' in first.text
    second = client.get("/incidents?severity=SEV4&page=2")
    assert _titles(second.text) == ["Incident 01", "Incident 00"]
    assert 'href="/incidents?severity=SEV4&amp;page=1" rel="prev"' in second.text


def test_the_empty_list_teaches_what_to_do_next(client, bob):
    ui_login(client, bob)
    page = client.get("/incidents")
    assert "No incidents yet" in page.text
    assert 'href="/catalog/services"' in page.text
    assert "warroom incident declare" in page.text


def test_the_fragment_returns_only_entries_after_the_given_event(client, alice, make_ctx, clock):
    incident = _declare(make_ctx, alice, title="Checkout errors")
    with make_ctx(actor=alice.user) as ctx:
        first = service.add_note(ctx, service.get_incident(ctx, incident.id), body="first note")
        second = service.add_note(ctx, service.get_incident(ctx, incident.id), body="second note")
    clock.advance(minutes=7)
    ui_login(client, alice)
    response = client.get(f"/incidents/{incident.id}/timeline/fragment?after={first.id}")
    assert response.status_code == 200
    assert re.findall(r'data-id="(\d+)"', response.text) == [str(second.id)]
    assert "second note" in response.text and "first note" not in response.text
    assert response.headers["x-warroom-elapsed"] == "7 min since detection"
    assert response.headers["x-warroom-status"] == "investigating"
    empty = client.get(f"/incidents/{incident.id}/timeline/fragment?after={second.id}")
    assert "<li" not in empty.text
    assert client.get(f"/incidents/{incident.id}/timeline/fragment?after=-1").status_code == 422


def test_the_war_room_shows_times_in_utc_and_the_viewers_zone(client, alice, bob, make_ctx, clock):
    incident = _declare(make_ctx, alice, title="Checkout errors", detected_at=clock.now() - timedelta(minutes=20))
    ui_login(client, bob)  # America/New_York
    page = client.get(f"/incidents/{incident.id}")
    assert "20 min since detection" in page.text
    assert (
        '<time datetime="2026-03-01T11:40:00+00:00">2026-03-01 11:40 UTC</time>'
        ' <span class="muted local-time">· 06:40 EST</span>'
    ) in page.text

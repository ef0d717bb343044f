"""The Communications Lead's flow in the UI: panel on the incident page, preview, then publish."""

from __future__ import annotations

import re

from conftest import ui_login
from status_helpers import add_service, declare
from warroom.status import service


def _setup(make_ctx, alice, **kwargs):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        return declare(ctx, services=[api.id], **kwargs).id, api.id


def test_the_incident_page_has_the_public_update_panel(client, make_ctx, alice, bob):
    incident_id, _ = _setup(make_ctx, alice)
    ui_login(client, bob)

    html = client.get(f"/incidents/{incident_id}").text

    assert 'id="public-updates"' in html
    assert "Not on the status page yet" in html
    assert f'action="/incidents/{incident_id}/public-updates/preview"' in html


def test_preview_fills_the_template_and_publishes_nothing(client, make_ctx, alice, bob):
    incident_id, api_id = _setup(make_ctx, alice)
    csrf = ui_login(client, bob)

    response = client.post(
        f"/incidents/{incident_id}/public-updates/preview",
        data={"csrf_token": csrf, "name": "API errors", "status": "investigating", "body": "",
              f"component_{api_id}": "partial_outage", "notify": "on", "next_update_by": "2026-03-01T12:30"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "Preview: what the public will read" in response.text
    expected = "We are investigating problems with Public API. We will post an update by 12:30 UTC."
    assert expected in response.text
    assert "Subscribers will be notified." in response.text
    with make_ctx() as ctx:
        assert service.public_updates_for(ctx.session, incident_id) == []


def test_publish_from_the_form_creates_the_update(client, make_ctx, alice, bob):
    incident_id, api_id = _setup(make_ctx, alice)
    csrf = ui_login(client, bob)

    response = client.post(
        f"/incidents/{incident_id}/public-updates/publish",
        data={"csrf_token": csrf, "name": "API errors", "status": "identified", "body": "Found it.",
              f"component_{api_id}": "major_outage"},
        follow_redirects=False,
    )  # fmt: skip

    assert response.status_code == 303
    assert response.headers["location"] == f"/incidents/{incident_id}#public-updates"
    with make_ctx() as ctx:
        (update,) = service.public_updates_for(ctx.session, incident_id)
        assert (update.status, update.body, update.notify_subscribers) == ("identified", "Found it.", False)
        assert service.component_statuses(ctx.session, ctx.now()) == {api_id: "major_outage"}


def test_a_missing_public_name_is_shown_next_to_the_field(client, make_ctx, alice, bob):
    incident_id, _ = _setup(make_ctx, alice)
    csrf = ui_login(client, bob)

    response = client.post(
        f"/incidents/{incident_id}/public-updates/preview",
        data={"csrf_token": csrf, "name": "", "status": "investigating", "body": "Looking."},
    )

    assert response.status_code == 422
    assert re.search(r'<p id="field-err" class="error">the first public update needs a public name', response.text)


def test_a_private_incident_panel_says_it_never_goes_public(client, make_ctx, alice):
    incident_id, _ = _setup(make_ctx, alice, private=True)
    ui_login(client, alice)

    html = client.get(f"/incidents/{incident_id}").text

    assert "Private incident: it never appears on the public status page." in html
    assert "public-updates/preview" not in html


def test_a_viewer_cannot_publish_from_the_form(client, make_ctx, alice, charlie):
    incident_id, _ = _setup(make_ctx, alice)
    csrf = ui_login(client, charlie)

    response = client.post(
        f"/incidents/{incident_id}/public-updates/publish",
        data={"csrf_token": csrf, "name": "n", "status": "identified", "body": "x"},
    )

    assert response.status_code == 403

"""The "My subscriptions" page: add and remove your own stakeholder subscriptions without JavaScript."""

from __future__ import annotations

import re

from conftest import ui_login


def test_a_viewer_subscribes_and_unsubscribes_through_the_page(client, charlie) -> None:
    csrf = ui_login(client, charlie)
    page = client.get("/subscriptions")
    assert page.status_code == 200
    assert "No subscriptions yet." in page.text
    added = client.post(
        "/subscriptions", data={"scope": "severity", "severity": "SEV1", "csrf_token": csrf}, follow_redirects=True
    )
    assert added.status_code == 200
    assert "<td>SEV1 incidents</td>" in added.text
    found = re.search(r'action="/subscriptions/(\d+)/delete"', added.text)
    assert found is not None
    removed = client.post(f"/subscriptions/{found.group(1)}/delete", data={"csrf_token": csrf}, follow_redirects=True)
    assert "No subscriptions yet." in removed.text


def test_a_bad_choice_is_explained_on_the_page(client, charlie) -> None:
    csrf = ui_login(client, charlie)
    response = client.post("/subscriptions", data={"scope": "service", "service_id": "", "csrf_token": csrf})
    assert response.status_code == 422
    assert "scope service needs an existing service_id" in response.text
    assert (
        client.post("/subscriptions", data={"scope": "all", "service_id": "x", "csrf_token": csrf}).status_code == 422
    )
    assert client.post("/subscriptions", data={"scope": "all"}).status_code == 403

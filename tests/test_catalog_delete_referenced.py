"""A service that incidents refer to cannot be deleted: incident history must keep pointing at it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import insert

from conftest import ui_login
from warroom.cli import CliApp, main
from warroom.incidents.models import Incident, incident_services


def _incident_on(db, clock, service_id, title="WMS down"):
    with db.transaction() as session:
        now = clock.now()
        incident_id = session.execute(
            insert(Incident)
            .values(title=title, severity="SEV1", detected_at=now, declared_at=now, updated_at=now)
            .returning(Incident.id)
        ).scalar_one()
        session.execute(insert(incident_services).values(incident_id=incident_id, service_id=service_id))
    return incident_id


@pytest.fixture
def referenced(alice_api, db, clock):
    service = alice_api.post("/api/v1/services", json={"name": "wms", "tier": 1}).json()["id"]
    first = _incident_on(db, clock, service)
    second = _incident_on(db, clock, service, title="WMS slow")
    return service, first, second


def test_the_api_refuses_with_409_and_names_the_incidents(alice_api, referenced):
    service, first, second = referenced
    response = alice_api.delete(f"/api/v1/services/{service}")
    assert response.status_code == 409
    assert response.json()["error"] == (
        f"service 'wms' cannot be deleted: 2 incidents ({first}, {second}) refer to it, and their history "
        "must keep pointing at it. Keep the service (mark it tier 4 or rename it) instead."
    )
    assert alice_api.get(f"/api/v1/services/{service}").status_code == 200


def test_an_unreferenced_service_can_be_deleted(alice_api, referenced):
    other = alice_api.post("/api/v1/services", json={"name": "blog", "tier": 4}).json()["id"]
    assert alice_api.delete(f"/api/v1/services/{other}").status_code == 204


def test_the_cli_prints_one_line_and_fails(settings, clock, db, capsys, referenced):
    code = main(["service", "delete", "wms"], app=CliApp(settings=settings, clock=clock, _db=db))
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert captured.err.startswith("warroom: error: service 'wms' cannot be deleted: 2 incidents (")
    assert captured.err.count("\n") == 1


def test_the_ui_shows_the_reason_next_to_the_delete_button(client, alice, referenced):
    service, _first, _second = referenced
    csrf = ui_login(client, alice)
    response = client.post(f"/catalog/services/{service}/delete", data={"csrf_token": csrf})
    assert response.status_code == 409
    error = re.search(r'<p class="field-error" id="delete-error" role="alert">(.*?)</p>', response.text, re.S)
    assert error is not None
    assert "cannot be deleted: 2 incidents" in error.group(1)
    assert client.get(f"/catalog/services/{service}").status_code == 200

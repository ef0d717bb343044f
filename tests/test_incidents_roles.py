from __future__ import annotations

from test_incidents_support import declare, events, move
from warroom.auth import service as auth_service
from warroom.auth.models import User


def assign(api, incident_id, role, user_id):
    return api.post(f"/api/v1/incidents/{incident_id}/roles", json={"role": role, "user_id": user_id})


def ref(persona):
    return {"id": persona.id, "name": persona.user.name, "email": persona.user.email}


def test_handing_over_the_commander_role_keeps_history(alice_api, alice, bob, clock):
    incident = declare(alice_api, severity="SEV1")
    assert assign(alice_api, incident["id"], "incident_commander", alice.id).status_code == 200
    clock.advance(minutes=30)
    body = assign(alice_api, incident["id"], "incident_commander", bob.id).json()
    assert body["roles"]["incident_commander"] == [ref(bob)]
    handover = events(alice_api, incident["id"])[-1]
    assert handover["kind"] == "role.assigned"
    assert handover["data"]["previous"] == [{"id": alice.id, "name": "Alice"}]
    assert handover["data"]["user"] == {"id": bob.id, "name": "Bob"}
    assert handover["data"]["handover"] is True
    assert handover["text"] == "assigned Bob as Incident Commander (handover from Alice)"
    history = alice_api.get(f"/api/v1/incidents/{incident['id']}/roles/history").json()["items"]
    assert [(h["role"], h["user"]["id"], h["started_at"], h["ended_at"]) for h in history] == [
        ("incident_commander", alice.id, "2026-03-01T12:00:00+00:00", "2026-03-01T12:30:00+00:00"),
        ("incident_commander", bob.id, "2026-03-01T12:30:00+00:00", None),
    ]


def test_technical_lead_can_have_several_holders(alice_api, alice, bob):
    incident = declare(alice_api)
    assign(alice_api, incident["id"], "technical_lead", alice.id)
    body = assign(alice_api, incident["id"], "technical_lead", bob.id).json()
    assert body["roles"]["technical_lead"] == [ref(alice), ref(bob)]
    assert events(alice_api, incident["id"])[-1]["text"] == "assigned Bob as Technical Lead"
    response = alice_api.delete(f"/api/v1/incidents/{incident['id']}/roles/technical_lead/{alice.id}")
    assert response.status_code == 200
    assert response.json()["roles"]["technical_lead"] == [ref(bob)]
    assert events(alice_api, incident["id"])[-1]["text"] == "removed Alice as Technical Lead"


def test_one_person_may_hold_several_roles(alice_api, bob):
    incident = declare(alice_api)
    assign(alice_api, incident["id"], "incident_commander", bob.id)
    body = assign(alice_api, incident["id"], "scribe", bob.id).json()
    assert body["roles"]["incident_commander"] == [ref(bob)]
    assert body["roles"]["scribe"] == [ref(bob)]
    assert body["unfilled_roles"] == ["technical_lead", "communications_lead", "support_liaison"]


def test_assigning_the_current_holder_again_records_nothing(alice_api, bob):
    incident = declare(alice_api)
    assign(alice_api, incident["id"], "scribe", bob.id)
    assign(alice_api, incident["id"], "scribe", bob.id)
    assert [e["kind"] for e in events(alice_api, incident["id"])] == ["incident.declared", "role.assigned"]


def test_null_clears_a_role(alice_api, alice, bob):
    incident = declare(alice_api)
    assign(alice_api, incident["id"], "technical_lead", alice.id)
    assign(alice_api, incident["id"], "technical_lead", bob.id)
    body = assign(alice_api, incident["id"], "technical_lead", None).json()
    assert body["roles"]["technical_lead"] == []
    assert events(alice_api, incident["id"])[-1]["text"] == "cleared the Technical Lead role (was Alice, Bob)"


def test_every_role_is_reported_and_unfilled_ones_listed(alice_api):
    body = declare(alice_api)
    assert body["roles"] == {
        "incident_commander": [],
        "technical_lead": [],
        "communications_lead": [],
        "scribe": [],
        "support_liaison": [],
    }
    assert body["unfilled_roles"] == list(body["roles"])


def test_an_open_sev1_without_a_commander_is_flagged(alice_api, bob):
    sev1 = declare(alice_api, severity="SEV1")
    sev2 = declare(alice_api, severity="SEV2")
    assert sev1["needs_commander"] is True
    assert sev2["needs_commander"] is False
    assert assign(alice_api, sev1["id"], "incident_commander", bob.id).json()["needs_commander"] is False
    assert assign(alice_api, sev1["id"], "incident_commander", None).json()["needs_commander"] is True
    assert move(alice_api, sev1["id"], "resolved").json()["needs_commander"] is False


def test_raising_to_sev1_flags_the_missing_commander(alice_api):
    incident = declare(alice_api, severity="SEV3")
    url = f"/api/v1/incidents/{incident['id']}/severity"
    assert alice_api.post(url, json={"severity": "SEV1"}).json()["needs_commander"] is True


def test_an_unknown_or_inactive_assignee_is_422(alice_api, make_ctx):
    incident = declare(alice_api)
    response = assign(alice_api, incident["id"], "scribe", 999)
    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "user_id"}
    with make_ctx() as ctx:
        gone = auth_service.create_user(ctx, email="gone@example.com", name="Gone", role="responder")
        ctx.session.get(User, gone.id).is_active = False
    response = assign(alice_api, incident["id"], "scribe", gone.id)
    assert response.status_code == 422
    assert "deactivated" in response.json()["error"]


def test_an_unknown_role_is_422(alice_api, bob):
    incident = declare(alice_api)
    assert assign(alice_api, incident["id"], "ceo", bob.id).status_code == 422
    assert alice_api.delete(f"/api/v1/incidents/{incident['id']}/roles/ceo/{bob.id}").status_code == 422


def test_removing_someone_who_does_not_hold_the_role_is_404(alice_api, bob):
    incident = declare(alice_api)
    response = alice_api.delete(f"/api/v1/incidents/{incident['id']}/roles/scribe/{bob.id}")
    assert response.status_code == 404
    assert "does not hold" in response.json()["error"]


def test_a_viewer_cannot_change_roles(alice_api, charlie_api, bob):
    incident = declare(alice_api)
    assert assign(charlie_api, incident["id"], "scribe", bob.id).status_code == 403
    assert charlie_api.delete(f"/api/v1/incidents/{incident['id']}/roles/scribe/{bob.id}").status_code == 403

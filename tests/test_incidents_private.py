"""Private incidents: admins/owners, the declarer, role holders (current or past) and task assignees only."""

from __future__ import annotations

from test_incidents_support import declare
from warroom.incidents import service


def ids(api):
    return [item["id"] for item in api.get("/api/v1/incidents").json()["items"]]


def test_a_private_incident_is_hidden_from_uninvolved_people(alice_api, bob_api, charlie_api):
    secret = declare(alice_api, private=True, title="Payroll data leak")
    public = declare(alice_api, title="Slow search")
    for api in (bob_api, charlie_api):
        assert ids(api) == [public["id"]]
        assert api.get("/api/v1/incidents").json()["total"] == 1
        response = api.get(f"/api/v1/incidents/{secret['id']}")
        assert response.status_code == 404
        assert api.get(f"/api/v1/incidents/{secret['id']}/timeline").status_code == 404
    assert ids(alice_api) == [public["id"], secret["id"]]


def test_hidden_looks_exactly_like_missing(alice_api, bob_api):
    secret = declare(alice_api, private=True)
    hidden = bob_api.get(f"/api/v1/incidents/{secret['id']}").json()
    missing = bob_api.get("/api/v1/incidents/999").json()
    assert hidden["error"].replace(str(secret["id"]), "N") == missing["error"].replace("999", "N")


def test_writes_to_a_hidden_incident_are_404(alice_api, bob_api):
    secret = declare(alice_api, private=True)
    response = bob_api.post(f"/api/v1/incidents/{secret['id']}/notes", json={"body": "hi"})
    assert response.status_code == 404
    assert bob_api.post(f"/api/v1/incidents/{secret['id']}/acknowledge").status_code == 404


def test_the_declarer_sees_their_private_incident(bob_api, charlie_api):
    secret = declare(bob_api, private=True)
    assert bob_api.get(f"/api/v1/incidents/{secret['id']}").status_code == 200
    assert charlie_api.get(f"/api/v1/incidents/{secret['id']}").status_code == 404


def test_role_holders_see_it_and_keep_seeing_it_after_handing_over(alice_api, bob_api, charlie_api, bob, charlie):
    secret = declare(alice_api, private=True)
    url = f"/api/v1/incidents/{secret['id']}/roles"
    alice_api.post(url, json={"role": "communications_lead", "user_id": charlie.id})
    assert charlie_api.get(f"/api/v1/incidents/{secret['id']}").status_code == 200
    assert ids(charlie_api) == [secret["id"]]
    alice_api.post(url, json={"role": "communications_lead", "user_id": bob.id})
    assert charlie_api.get(f"/api/v1/incidents/{secret['id']}").status_code == 200
    assert bob_api.get(f"/api/v1/incidents/{secret['id']}").status_code == 200


def test_task_assignees_see_it(alice_api, charlie_api, charlie):
    secret = declare(alice_api, private=True)
    assert charlie_api.get(f"/api/v1/incidents/{secret['id']}").status_code == 404
    alice_api.post(f"/api/v1/incidents/{secret['id']}/tasks", json={"title": "Call legal", "assignee_id": charlie.id})
    assert charlie_api.get(f"/api/v1/incidents/{secret['id']}").status_code == 200


def test_making_an_incident_private_hides_it(alice_api, bob_api):
    incident = declare(alice_api)
    assert bob_api.get(f"/api/v1/incidents/{incident['id']}").status_code == 200
    alice_api.patch(f"/api/v1/incidents/{incident['id']}", json={"private": True})
    assert bob_api.get(f"/api/v1/incidents/{incident['id']}").status_code == 404


def test_the_system_actor_sees_private_incidents(alice_api, make_ctx):
    secret = declare(alice_api, private=True)
    with make_ctx() as ctx:
        assert service.get_incident(ctx, secret["id"]).is_private is True
        assert [i.id for i in service.list_incidents(ctx)[0]] == [secret["id"]]

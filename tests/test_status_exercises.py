"""Exercise (game-day) incidents appear only on the signed-in preview page, never on the public surfaces."""

from __future__ import annotations

from conftest import ui_login
from status_helpers import declare
from warroom.status import service


def test_an_exercise_update_is_only_on_the_preview(client, make_ctx, alice):
    with make_ctx(actor=alice.user) as ctx:
        drill = declare(ctx, exercise=True)
        service.publish_update(ctx, drill, status="investigating", body="Drill body.", name="Game day outage")

    assert "Game day outage" not in client.get("/status").text
    assert client.get("/status/api/v2/incidents.json").json()["incidents"] == []
    assert client.get(f"/status/incidents/{drill.id}").status_code == 404
    anonymous = client.get("/status/preview", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login")

    ui_login(client, alice)
    preview = client.get("/status/preview")

    assert preview.status_code == 200
    assert "Game day outage" in preview.text
    assert "Drill body." in preview.text
    assert "exercise (game-day) incidents" in preview.text

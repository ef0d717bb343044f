"""Maintenance pages: list, schedule with services and a window, end or cancel."""

from __future__ import annotations

from datetime import timedelta

from conftest import ui_login
from status_helpers import add_service
from warroom.maintenance import service as maintenance


def test_a_responder_schedules_and_cancels_maintenance(client, make_ctx, alice, bob):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
    csrf = ui_login(client, bob)

    response = client.post(
        "/maintenance",
        data={"csrf_token": csrf, "title": "DB upgrade", "message": "Short.", "starts_at": "2026-03-02T22:00",
              "ends_at": "2026-03-02T23:00", "service_ids": [str(api.id)], "public": "on"},
        follow_redirects=False,
    )  # fmt: skip

    assert response.status_code == 303
    with make_ctx() as ctx:
        (window,) = maintenance.list_windows(ctx)
        assert (window.title, window.is_public, window.suppress_alerts) == ("DB upgrade", True, False)
        assert window.starts_at.isoformat() == "2026-03-02T22:00:00+00:00"
    listing = client.get("/maintenance?status=scheduled").text
    assert "DB upgrade" in listing
    assert "Cancel" in listing

    ended = client.post(f"/maintenance/{window.id}/end", data={"csrf_token": csrf}, follow_redirects=False)

    assert ended.status_code == 303
    assert "DB upgrade" in client.get("/maintenance?status=cancelled").text


def test_a_window_in_the_past_is_refused_next_to_the_field(client, make_ctx, alice, bob):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
    csrf = ui_login(client, bob)

    response = client.post(
        "/maintenance",
        data={"csrf_token": csrf, "title": "Old", "starts_at": "2026-02-01T22:00", "ends_at": "2026-02-01T23:00",
              "service_ids": [str(api.id)]},
    )  # fmt: skip

    assert response.status_code == 422
    assert '<p class="error">that window has already ended' in response.text


def test_a_running_window_can_be_ended_now(client, make_ctx, alice, bob, clock):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        window = maintenance.schedule(
            ctx, title="Patch", service_ids=[api.id], starts_at=ctx.now(), ends_at=ctx.now() + timedelta(hours=1)
        )
    csrf = ui_login(client, bob)
    assert "End now" in client.get("/maintenance").text

    client.post(f"/maintenance/{window.id}/end", data={"csrf_token": csrf})

    assert "Patch" in client.get("/maintenance?status=completed").text


def test_a_viewer_sees_the_list_but_no_forms(client, charlie):
    ui_login(client, charlie)

    html = client.get("/maintenance").text

    assert "No maintenance windows" in html
    assert "Schedule maintenance" not in html

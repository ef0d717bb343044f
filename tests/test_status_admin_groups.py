"""Admin page: component groups (create, rename, reorder, delete) and component placement, seen at once on /status."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from conftest import ui_login
from status_helpers import add_service
from warroom.status.models import ComponentGroup


def _services(make_ctx: Any, alice: Any, *names: str) -> dict[str, int]:
    with make_ctx(actor=alice.user) as ctx:
        return {name: add_service(ctx, name).id for name in names}


def _order(html: str) -> list[str]:
    """Group headings and component names in the order the public page shows them."""
    found = re.findall(r'<h3 class="group-name">([^<]+)</h3>|<span class="component-name">([^<]+)</span>', html)
    return [group or name for group, name in found]


def _group_ids(db: Any) -> dict[str, int]:
    with db.transaction() as session:
        return {g.name: g.id for g in session.scalars(select(ComponentGroup))}


def _post(client: Any, url: str, data: dict[str, str]) -> Any:
    return client.post(url, data=data, follow_redirects=False)


def test_groups_and_positions_set_on_the_admin_page_order_the_public_page(client, alice, make_ctx, db) -> None:
    ids = _services(make_ctx, alice, "API", "Billing", "Web app", "Search")
    csrf = ui_login(client, alice)
    client.get("/status")  # warm the render cache: the changes below must show at once anyway
    for name, position in (("Backend", "20"), ("Frontend", "10")):
        response = _post(client, "/admin/status/groups", {"csrf_token": csrf, "name": name, "position": position})
        assert response.status_code == 303
    groups = _group_ids(db)
    placements = {"API": ("Backend", "2"), "Billing": ("Backend", "1"), "Web app": ("Frontend", "0")}
    for service, (group, position) in placements.items():
        response = _post(
            client,
            f"/admin/status/components/{ids[service]}",
            {"csrf_token": csrf, "group_id": str(groups[group]), "position": position},
        )
        assert response.status_code == 303
    assert _order(client.get("/status").text) == ["Search", "Frontend", "Web app", "Backend", "Billing", "API"]

    # Rename and move Backend above Frontend.
    response = _post(
        client, f"/admin/status/groups/{groups['Backend']}", {"csrf_token": csrf, "name": "Core", "position": "5"}
    )
    assert response.status_code == 303
    assert _order(client.get("/status").text) == ["Search", "Core", "Billing", "API", "Frontend", "Web app"]

    # Deleting a group keeps its components, ungrouped.
    response = _post(client, f"/admin/status/groups/{groups['Frontend']}/delete", {"csrf_token": csrf})
    assert response.status_code == 303
    assert _order(client.get("/status").text) == ["Search", "Web app", "Core", "Billing", "API"]
    admin = client.get("/admin/status").text
    assert 'value="Core"' in admin
    assert "Frontend" not in admin


def test_bad_group_input_is_refused_next_to_the_groups_form(client, alice, make_ctx) -> None:
    ids = _services(make_ctx, alice, "API")
    csrf = ui_login(client, alice)
    assert _post(client, "/admin/status/groups", {"csrf_token": csrf, "name": "Core"}).status_code == 303
    twin = _post(client, "/admin/status/groups", {"csrf_token": csrf, "name": "Core"})
    assert twin.status_code == 409
    assert 'id="groups-err">a component group named &#39;Core&#39; already exists' in twin.text
    blank = _post(client, "/admin/status/groups", {"csrf_token": csrf, "name": "  "})
    assert blank.status_code == 422
    assert "a component group needs a name of 1 to 200 characters" in blank.text
    far = _post(client, "/admin/status/groups", {"csrf_token": csrf, "name": "Edge", "position": "99999"})
    assert far.status_code == 422
    assert "a position is a whole number from 0 to 10000" in far.text
    word = _post(client, f"/admin/status/components/{ids['API']}", {"csrf_token": csrf, "position": "first"})
    assert word.status_code == 422
    assert 'id="components-err">a position is a whole number from 0' in word.text
    missing = _post(client, f"/admin/status/components/{ids['API']}", {"csrf_token": csrf, "group_id": "999"})
    assert missing.status_code == 404
    assert _post(client, "/admin/status/groups/999/delete", {"csrf_token": csrf}).status_code == 404


def test_responders_cannot_change_groups(client, bob) -> None:
    csrf = ui_login(client, bob)
    assert _post(client, "/admin/status/groups", {"csrf_token": csrf, "name": "Core"}).status_code == 403

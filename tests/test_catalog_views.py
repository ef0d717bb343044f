"""Catalog pages: readable by everyone signed in, editable by admins, errors next to the field."""

from __future__ import annotations

import html
import re

import pytest

from conftest import ui_login
from warroom.catalog import service as catalog


def _error(page: str, field: str) -> str | None:
    found = re.search(rf'<p class="field-error" id="{field}-error" role="alert">(.*?)</p>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else None


@pytest.fixture
def warehouse(make_ctx, alice):
    with make_ctx(actor=alice.user) as ctx:
        team = catalog.create_team(ctx, name="Warehouse Platform")
        catalog.create_service(ctx, name="inventory-db", tier=1, team=team.id)
        wms = catalog.create_service(
            ctx, name="wms", tier=1, team=team.id, depends_on=["inventory-db"], public=True,
            runbook_url="https://wiki.example.com/rb/wms",
        )  # fmt: skip
        catalog.create_service(ctx, name="picking", tier=2, depends_on=["wms"])
        catalog.create_service(ctx, name="blog", tier=4)
        catalog.create_function(ctx, name="Order picking", services=["picking"])
    return {"wms": wms.id, "team": team.id}


def test_an_empty_catalog_teaches_what_to_do(client, charlie):
    ui_login(client, charlie)
    page = client.get("/catalog/services")
    assert page.status_code == 200
    assert "No services yet" in page.text
    assert "warroom service create inventory-db --tier 1" in page.text
    assert "Connect monitoring" in page.text
    assert 'href="/catalog/services/new"' not in page.text


def test_a_viewer_sees_the_list_without_edit_controls(client, charlie, warehouse):
    ui_login(client, charlie)
    page = client.get("/catalog/services")
    assert page.status_code == 200
    assert "New service" not in page.text
    names = re.findall(r'<a href="/catalog/services/\d+"><strong>([^<]+)</strong>', page.text)
    assert names == ["inventory-db", "wms", "picking", "blog"]
    assert "Tier 1 · Mission critical" in page.text
    assert "◉</span> Public" in page.text
    detail = client.get(f"/catalog/services/{warehouse['wms']}")
    assert detail.status_code == 200
    assert "Only admins can change the catalog." in detail.text
    assert 'action="/catalog/services/{}/dependencies"'.format(warehouse["wms"]) not in detail.text


def test_filters_live_in_the_url(client, charlie, warehouse):
    ui_login(client, charlie)
    page = client.get(f"/catalog/services?tier=1&team={warehouse['team']}&public=public")
    names = re.findall(r'<a href="/catalog/services/\d+"><strong>([^<]+)</strong>', page.text)
    assert names == ["wms"]
    assert '<option value="1" selected>' in page.text
    assert client.get("/catalog/services?q=zzz").text.count("No service matches these filters") == 1
    # Garbage in the URL is ignored rather than an error page.
    assert client.get("/catalog/services?tier=nine&team=x&offset=-4").status_code == 200


def test_the_service_page_shows_the_blast_radius(client, charlie, warehouse, make_ctx):
    ui_login(client, charlie)
    with make_ctx() as ctx:
        db_id = catalog.find_service(ctx, "inventory-db").id
    page = client.get(f"/catalog/services/{db_id}")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.text))
    assert "If inventory-db fails" in text
    assert "2 services and 1 business function depend on it" in text
    assert "picking → wms → inventory-db" in text
    assert "Order picking via picking" in text


def test_an_admin_creates_a_service_through_the_form(client, alice, warehouse):
    csrf = ui_login(client, alice)
    form = client.get("/catalog/services/new")
    assert form.status_code == 200
    assert "Tier 3 · Important" in form.text
    response = client.post(
        "/catalog/services",
        data={"csrf_token": csrf, "name": "labels", "tier": "2", "team_id": str(warehouse["team"]),
              "runbook_url": "https://wiki.example.com/rb/labels", "public": "yes",
              "depends_on": [str(warehouse["wms"])], "description": "Carrier labels"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    assert re.fullmatch(r"/catalog/services/\d+\?done=created", response.headers["location"])
    page = client.get(response.headers["location"])
    assert "<h1>labels</h1>" in page.text
    assert "Created." in page.text
    assert "Tier 2 · Business critical" in page.text


def test_form_errors_appear_next_to_the_field_and_keep_the_input(client, alice, warehouse):
    csrf = ui_login(client, alice)
    duplicate = client.post("/catalog/services", data={"csrf_token": csrf, "name": "WMS", "tier": "1"})
    assert duplicate.status_code == 409
    assert _error(duplicate.text, "name").startswith("⚠ a service named 'wms' already exists")
    bad_link = client.post(
        "/catalog/services",
        data={"csrf_token": csrf, "name": "labels", "tier": "1", "runbook_url": "javascript:alert(1)"},
    )
    assert bad_link.status_code == 422
    assert "must start with http:// or https://" in _error(bad_link.text, "runbook_url")
    assert 'value="labels"' in bad_link.text
    no_tier = client.post("/catalog/services", data={"csrf_token": csrf, "name": "labels"})
    assert no_tier.status_code == 422
    assert _error(no_tier.text, "tier") == "⚠ Choose a tier from 1 (mission critical) to 4 (low)."


def test_a_cycle_is_shown_next_to_the_dependency_field(client, alice, warehouse, make_ctx):
    csrf = ui_login(client, alice)
    with make_ctx() as ctx:
        db_id = catalog.find_service(ctx, "inventory-db").id
        picking_id = catalog.find_service(ctx, "picking").id
    response = client.post(
        f"/catalog/services/{db_id}/dependencies", data={"csrf_token": csrf, "depends_on": str(picking_id)}
    )
    assert response.status_code == 422
    assert _error(response.text, "depends_on") == (
        "⚠ adding inventory-db → picking would create a cycle: picking → wms → inventory-db → picking; "
        "remove one of those dependencies first"
    )
    with make_ctx() as ctx:
        assert catalog.dependencies_of(ctx, catalog.get_service(ctx, db_id)) == []


def test_dependencies_are_added_and_removed_from_the_page(client, alice, warehouse, make_ctx):
    csrf = ui_login(client, alice)
    with make_ctx() as ctx:
        blog = catalog.find_service(ctx, "blog").id
    added = client.post(f"/catalog/services/{blog}/dependencies", data={"csrf_token": csrf, "depends_on": "wms"})
    assert added.status_code == 200
    assert "Dependency added." in added.text
    removed = client.post(f"/catalog/services/{blog}/dependencies/{warehouse['wms']}/remove", data={"csrf_token": csrf})
    assert "Dependency removed." in removed.text
    with make_ctx() as ctx:
        assert catalog.dependencies_of(ctx, catalog.get_service(ctx, blog)) == []


def test_editing_a_service_through_the_form(client, alice, warehouse):
    csrf = ui_login(client, alice)
    response = client.post(
        f"/catalog/services/{warehouse['wms']}",
        data={"csrf_token": csrf, "name": "wms-core", "tier": "2", "team_id": "", "runbook_url": "", "description": ""},
    )
    assert response.status_code == 200
    assert "<h1>wms-core</h1>" in response.text
    assert "No owning team" in response.text
    assert "◉</span> Public" not in response.text.split("<h1>")[1].split("</p>")[0]


def test_viewers_and_responders_cannot_post_forms(client, charlie, bob, warehouse):
    for persona in (charlie, bob):
        csrf = ui_login(client, persona)
        response = client.post("/catalog/services", data={"csrf_token": csrf, "name": "x", "tier": "1"})
        assert response.status_code == 403
        client.cookies.clear()


def test_a_form_without_the_csrf_token_is_refused(client, alice, warehouse):
    ui_login(client, alice)
    response = client.post(f"/catalog/services/{warehouse['wms']}/delete", data={})
    assert response.status_code == 403


def test_teams_pages_create_and_add_members(client, alice, bob):
    csrf = ui_login(client, alice)
    assert "No teams yet" in client.get("/catalog/teams").text
    created = client.post("/catalog/teams", data={"csrf_token": csrf, "name": "Shipping", "description": "Labels"})
    assert created.status_code == 200
    assert "<h1>Shipping</h1>" in created.text
    team_id = re.search(r'action="/catalog/teams/(\d+)/members"', created.text).group(1)
    added = client.post(f"/catalog/teams/{team_id}/members", data={"csrf_token": csrf, "user_id": str(bob.id)})
    assert "Member added." in added.text
    assert "bob@example.com · responder" in added.text
    duplicate = client.post("/catalog/teams", data={"csrf_token": csrf, "name": "shipping"})
    assert duplicate.status_code == 409
    assert _error(duplicate.text, "name").startswith("⚠ a team named 'Shipping' already exists")


def test_functions_pages_create_and_link_services(client, alice, warehouse):
    csrf = ui_login(client, alice)
    created = client.post(
        "/catalog/functions",
        data={"csrf_token": csrf, "name": "Label printing", "services": [str(warehouse["wms"])]},
    )
    assert created.status_code == 200
    assert "<h1>Label printing</h1>" in created.text
    assert "Also needs, through those services" in created.text
    listing = client.get("/catalog/functions")
    assert "Label printing" in listing.text and "Order picking" in listing.text


def test_pages_for_missing_things_are_404(client, charlie):
    ui_login(client, charlie)
    for url in (
        "/catalog/services/999",
        "/catalog/teams/999",
        "/catalog/functions/999",
        "/catalog/services/99999999999",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"].endswith("999 does not exist")


def test_a_browser_gets_an_html_404_page_for_a_missing_service(client, charlie):
    ui_login(client, charlie)
    response = client.get("/catalog/services/999", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "service 999 does not exist" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_a_viewer_posting_from_a_browser_gets_an_html_403_page(client, charlie, warehouse):
    csrf = ui_login(client, charlie)
    response = client.post(
        "/catalog/services", data={"csrf_token": csrf, "name": "x", "tier": "1"}, headers={"accept": "text/html"}
    )
    assert response.status_code == 403
    assert "this needs the admin role or higher; you are viewer" in response.text

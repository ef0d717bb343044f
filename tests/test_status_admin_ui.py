"""Admin pages: status page branding and update templates."""

from __future__ import annotations

from conftest import ui_login


def test_an_admin_brands_the_page(client, alice):
    csrf = ui_login(client, alice)

    response = client.post(
        "/admin/status",
        data={"csrf_token": csrf, "name": "Acme Status", "logo_url": "https://acme.example/logo.png",
              "support_url": "https://acme.example/help", "links": "Home | https://acme.example\n"},
        follow_redirects=False,
    )  # fmt: skip

    assert response.status_code == 303
    html = client.get("/status").text
    assert "<title>Acme Status</title>" in html
    assert '<img src="https://acme.example/logo.png" alt="">' in html
    assert '<a href="https://acme.example">Home</a>' in html
    assert client.get("/status/api/v2/status.json").json()["page"]["name"] == "Acme Status"


def test_a_bad_link_is_refused_next_to_the_field(client, alice):
    csrf = ui_login(client, alice)

    response = client.post(
        "/admin/status", data={"csrf_token": csrf, "name": "Acme", "links": "Home https://acme.example"}
    )

    assert response.status_code == 422
    assert "write each link as &#39;Label | https://…&#39; on its own line" in response.text


def test_templates_are_editable_and_used_for_new_updates(client, alice, make_ctx):
    csrf = ui_login(client, alice)

    response = client.post(
        "/admin/status/templates",
        data={"csrf_token": csrf, "template_identified": "Cause found for {services}; next at {next_update}."},
        follow_redirects=False,
    )

    assert response.status_code == 303
    from warroom.status import service

    with make_ctx() as ctx:
        body = service.fill_template(ctx.session, status="identified", service_ids=[], next_update_by=None)
    assert body == "Cause found for some of our services; next at the top of the next hour."


def test_a_responder_cannot_open_the_admin_page(client, bob):
    ui_login(client, bob)

    assert client.get("/admin/status").status_code == 403

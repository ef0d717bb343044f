from __future__ import annotations

from conftest import ui_login


def test_healthz_reports_ok_with_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_ui_redirects_anonymous_visitor_to_login(client):
    response = client.get("/account", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_user_logs_in_and_sees_account(client, alice):
    ui_login(client, alice)
    page = client.get("/account")
    assert page.status_code == 200
    assert "alice@example.com" in page.text


def test_wrong_password_is_refused_with_message(client, alice):
    import re

    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"email": alice.user.email, "password": "nope-nope", "csrf_token": token})
    assert response.status_code == 400
    assert "Email or password is wrong" in response.text
    assert "wr_session" not in response.cookies


def test_login_form_without_csrf_cookie_is_refused(client, alice):
    response = client.post("/login", data={"email": alice.user.email, "password": alice.password, "csrf_token": "x"})
    assert response.status_code == 400
    assert "expired" in response.text


def test_form_post_without_csrf_token_is_forbidden(client, alice):
    ui_login(client, alice)
    response = client.post("/account/tokens", data={"name": "x"})
    assert response.status_code == 403


def test_form_post_with_csrf_token_works(client, alice):
    csrf = ui_login(client, alice)
    response = client.post("/account/tokens", data={"name": "laptop", "csrf_token": csrf})
    assert response.status_code == 200
    assert "Copy this token now" in response.text


def test_login_never_redirects_off_site(client, alice):
    import re

    page = client.get("/login?next=//evil.example/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login",
        data={"email": alice.user.email, "password": alice.password, "csrf_token": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/incidents"

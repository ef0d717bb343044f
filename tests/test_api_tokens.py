from __future__ import annotations

import hashlib

from sqlalchemy import select

from warroom.auth.models import ApiToken


def test_api_requires_a_token(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"].startswith("authentication required")


def test_unknown_token_is_refused(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer wr_nope"})
    assert response.status_code == 401


def test_token_authenticates_its_user(alice_api):
    response = alice_api.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == "alice@example.com"


def test_tokens_are_stored_only_as_sha256(alice_api, db):
    issued = alice_api.post("/api/v1/tokens", json={"name": "ci"}).json()
    token = issued["token"]
    assert len(token) >= 3 + 43  # prefix + 256 bits in base64url
    with db.transaction() as session:
        hashes = list(session.scalars(select(ApiToken.token_hash)))
    assert hashlib.sha256(token.encode()).hexdigest() in hashes
    assert token not in hashes


def test_revoked_token_stops_working(alice_api, client):
    issued = alice_api.post("/api/v1/tokens", json={"name": "ci"}).json()
    headers = {"Authorization": f"Bearer {issued['token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert alice_api.delete(f"/api/v1/tokens/{issued['id']}").status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_viewer_cannot_create_users(charlie_api):
    response = charlie_api.post("/api/v1/users", json={"email": "d@example.com", "name": "D", "role": "viewer"})
    assert response.status_code == 403
    assert "admin" in response.json()["error"]


def test_unknown_fields_are_rejected(alice_api):
    response = alice_api.post("/api/v1/tokens", json={"name": "x", "colour": "red"})
    assert response.status_code == 422
    assert "colour" in response.json()["error"]

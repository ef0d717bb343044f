"""Every route refuses anonymous callers unless it is on an explicit allow-list; viewers cannot write."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route, WebSocketRoute

import allowlists as domain_allowlists
from warroom.app import create_app

# Routes anyone may call without credentials. (method, path) exactly as registered; a Mount is listed as GET.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    domain_allowlists.PUBLIC_ROUTES
    | {
        ("GET", "/healthz"),
        ("GET", "/login"),
        ("POST", "/login"),  # protected by its own double-submit CSRF cookie
        ("GET", "/static"),
        ("GET", "/openapi.json"),
        ("GET", "/api/docs"),
        ("GET", "/docs/oauth2-redirect"),
    }
)

# Routes that authenticate with something other than a user's session or bearer token (integration keys,
# signed links, the public status page). Each entry says which credential it checks and has its own tests.
OTHER_CREDENTIAL_ROUTES: dict[tuple[str, str], str] = dict(domain_allowlists.OTHER_CREDENTIAL_ROUTES)

# Non-GET /api/v1 routes a viewer may call: managing their own API tokens.
VIEWER_WRITABLE_ROUTES: frozenset[tuple[str, str]] = frozenset(
    domain_allowlists.VIEWER_WRITABLE_ROUTES
    | {
        ("POST", "/api/v1/tokens"),
        ("DELETE", "/api/v1/tokens/{token_id}"),
    }
)

_PATH_PARAM = re.compile(r"\{([^}:]+)(:[^}]+)?\}")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    route: Any

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    def url(self, fill: str = "1") -> str:
        """The path with every parameter replaced by `fill`."""
        return _PATH_PARAM.sub(fill, self.path)


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every (method, path) the app serves, including routes inside included routers. HEAD mirrors GET."""
    found: list[Endpoint] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, Mount):
            found.append(Endpoint("GET", context.path or route.path, route))
        elif isinstance(route, WebSocketRoute):
            found.append(Endpoint("WEBSOCKET", context.path or route.path, route))
        elif isinstance(route, APIRoute | Route):
            for method in sorted(context.methods or ()):
                if method != "HEAD":
                    found.append(Endpoint(method, context.path or route.path, route))
        else:  # pragma: no cover - a new kind of route must be taught to this test
            raise AssertionError(f"unknown route type {type(route).__name__} at {context.path}")
    return found


def guarded_endpoints(app: FastAPI) -> Iterator[Endpoint]:
    for endpoint in endpoints(app):
        if endpoint.key not in PUBLIC_ROUTES and endpoint.key not in OTHER_CREDENTIAL_ROUTES:
            yield endpoint


def anonymous_refusal_problem(client: TestClient, endpoint: Endpoint) -> str | None:
    """Why calling `endpoint` with no credentials was not refused, or None if it was."""
    label = f"{endpoint.method} {endpoint.path}"
    if endpoint.method == "WEBSOCKET":
        return f"{label}: websocket routes need an explicit auth test and an allow-list entry"
    url = endpoint.url()
    if endpoint.is_api:
        response = client.request(endpoint.method, url)
        if response.status_code != 401:
            return f"{label}: expected 401, got {response.status_code}"
        if response.headers.get("content-type") != "application/json" or "error" not in response.json():
            return f"{label}: the 401 is not a JSON error body"
        if response.headers.get("www-authenticate") != "Bearer":
            return f"{label}: the 401 does not say WWW-Authenticate: Bearer"
        return None
    if endpoint.method == "GET":
        response = client.get(url, headers={"Accept": "text/html"}, follow_redirects=False)
        expected = "/login?next=" + quote(url, safe="")
        if response.status_code != 303 or response.headers.get("location") != expected:
            return f"{label}: expected a 303 redirect to {expected}, got {response.status_code}"
        return None
    response = client.request(endpoint.method, url, follow_redirects=False)
    if response.status_code not in (401, 403):
        return f"{label}: expected 401 or 403, got {response.status_code}"
    return None


def anonymous_refusal_problems(app: FastAPI) -> list[str]:
    with TestClient(app, raise_server_exceptions=False) as client:
        problems = [anonymous_refusal_problem(client, endpoint) for endpoint in guarded_endpoints(app)]
    return [problem for problem in problems if problem is not None]


def test_every_route_refuses_a_caller_without_credentials(app):
    assert anonymous_refusal_problems(app) == []


def test_the_walk_covers_the_known_guarded_routes(app):
    keys = {endpoint.key for endpoint in guarded_endpoints(app)}
    # A few routes the foundation ships; if the walk ever finds none of them it is looking in the wrong place.
    assert {("GET", "/api/v1/me"), ("POST", "/api/v1/users"), ("GET", "/account"), ("POST", "/logout")} <= keys


def test_every_allow_listed_route_still_exists(app):
    keys = {endpoint.key for endpoint in endpoints(app)}
    assert sorted(PUBLIC_ROUTES - keys) == []
    assert sorted(set(OTHER_CREDENTIAL_ROUTES) - keys) == []
    assert sorted(VIEWER_WRITABLE_ROUTES - keys) == []


def test_public_routes_answer_without_credentials(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "Warroom"
    assert client.get("/api/docs").status_code == 200
    assert client.get("/docs/oauth2-redirect").status_code == 200


def test_an_unlisted_route_without_auth_is_caught(settings, clock, db):
    app = create_app(settings, clock=clock, db=db)

    @app.get("/api/v1/leaky")
    def leaky_api() -> dict[str, str]:
        return {"secret": "yes"}

    @app.get("/leaky-page", response_class=HTMLResponse)
    def leaky_page(request: Request) -> str:
        return "<p>secret</p>"

    @app.post("/leaky-form")
    def leaky_form() -> dict[str, str]:
        return {"changed": "yes"}

    assert anonymous_refusal_problems(app) == [
        "GET /api/v1/leaky: expected 401, got 200",
        "GET /leaky-page: expected a 303 redirect to /login?next=%2Fleaky-page, got 200",
        "POST /leaky-form: expected 401 or 403, got 200",
    ]


def test_a_bearer_token_does_not_open_html_pages(client, alice):
    response = client.get("/account", headers={**alice.headers, "Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Faccount"


def test_an_unknown_bearer_token_is_refused_with_a_hint(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer wr_not-a-real-token"})
    assert response.status_code == 401
    assert response.json()["error"] == (
        "the bearer token is unknown or revoked; create one with `warroom token create EMAIL`"
    )


def _viewer_write_endpoints(app: FastAPI) -> list[Endpoint]:
    return [
        endpoint
        for endpoint in guarded_endpoints(app)
        if endpoint.is_api and endpoint.path.startswith("/api/v1/") and endpoint.method not in ("GET", "WEBSOCKET")
    ]


def test_a_viewer_token_is_forbidden_on_every_write_route_but_its_own_tokens(app, charlie_api):
    problems = []
    checked = 0
    for endpoint in _viewer_write_endpoints(app):
        if endpoint.key in VIEWER_WRITABLE_ROUTES:
            continue
        checked += 1
        response = charlie_api.request(endpoint.method, endpoint.url(), json={})
        if response.status_code != 403 or "error" not in response.json():
            problems.append(f"{endpoint.method} {endpoint.path}: expected 403, got {response.status_code}")
    assert problems == []
    assert checked >= 1


def test_a_viewer_may_manage_their_own_tokens(charlie_api):
    created = charlie_api.post("/api/v1/tokens", json={"name": "phone"})
    assert created.status_code == 201
    revoked = charlie_api.delete(f"/api/v1/tokens/{created.json()['id']}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None


@pytest.mark.parametrize("role", ["responder", "admin", "owner"])
def test_the_viewer_check_is_about_the_role(role, make_ctx, client):
    # The same writes that forbid a viewer are not forbidden for higher roles (they may still 4xx on input).
    from warroom.auth import service as auth_service

    with make_ctx() as ctx:
        user = auth_service.create_user(ctx, email=f"{role}@example.com", name=role.title(), role=role)
        token = auth_service.create_api_token(ctx, user=user, name="t").token
    response = client.post("/api/v1/users", json={}, headers={"Authorization": f"Bearer {token}"})
    expected = 403 if role == "responder" else 422
    assert response.status_code == expected

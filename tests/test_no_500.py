"""No input makes the server fail: every operation answers < 500, and every 4xx is a JSON error body.

Two generators: schemathesis walks /openapi.json (schema-aware values, boundary cases, invalid data), and a
plain hypothesis strategy throws arbitrary JSON (odd unicode, huge numbers, nulls, deep nesting) at every
write endpoint, mostly shaped like its declared body so the values reach the service code. HTML pages get odd
query strings and form fields as a signed-in owner. All are bounded so the suite stays fast, and derandomized
under CI=true (the "ci" profile in conftest.py).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from test_routes_require_auth import Endpoint, endpoints
from warroom.app import create_app
from warroom.auth import service as auth_service
from warroom.settings import Settings
from warroom.web import SESSION_COOKIE

SCHEMATHESIS_EXAMPLES = 10
JSON_EXAMPLES = 20
UI_EXAMPLES = 10

# Routes never exercised by the fuzzers, with the reason. Keep this empty unless a route cannot work in-process.
NOT_FUZZED: dict[tuple[str, str], str] = {}

_fresh_owner_ids = itertools.count()


def _fresh_owner_token(make_ctx: Any) -> str:
    """A new owner and token per example: an earlier example may have revoked, demoted or disabled the last."""
    number = next(_fresh_owner_ids)
    with make_ctx() as ctx:
        user = auth_service.create_user(
            ctx, email=f"fuzz-owner-{number}@example.com", name=f"Fuzz {number}", role="owner"
        )
        return auth_service.create_api_token(ctx, user=user, name="fuzz").token


def _assert_not_a_server_error(method: str, url: str, status: int, body: bytes, sent: Any) -> None:
    assert status < 500, f"{method} {url} answered {status} to {sent!r}: {body[:500]!r}"
    if 400 <= status < 500 and method != "HEAD":
        try:
            payload = json.loads(body)
        except ValueError:
            raise AssertionError(f"{method} {url} answered {status} without a JSON body: {body[:200]!r}") from None
        assert isinstance(payload, dict), f"{method} {url} answered {status} with {payload!r}"
        assert isinstance(payload.get("error"), str), f"{method} {url} answered {status} without 'error': {payload!r}"
        assert payload["error"], f"{method} {url} answered {status} with an empty error message"


# ---------------------------------------------------------------- schemathesis over /openapi.json


# Built at import so that each operation becomes its own test; requests go to each test's own app and database.
SCHEMA_APP = create_app(Settings(database_url="sqlite://", mode="dev"))
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    SCHEMA_APP,
    config=SchemathesisConfig.from_dict(
        {
            "generation": {"max-examples": SCHEMATHESIS_EXAMPLES, "deterministic": True},
            "phases": {"stateful": {"enabled": False}},
        }
    ),
)


@schema.parametrize()
@hypothesis.settings(
    max_examples=SCHEMATHESIS_EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_api_operation_answers_with_a_server_error(case: Any, app: Any, make_ctx: Any) -> None:
    key = (case.method.upper(), case.operation.full_path)
    if key in NOT_FUZZED:
        pytest.skip(NOT_FUZZED[key])
    headers = {"Authorization": f"Bearer {_fresh_owner_token(make_ctx)}"}
    response = case.call(app=app, headers=headers)
    _assert_not_a_server_error(key[0], case.formatted_path, response.status_code, response.content, case.body)


# ---------------------------------------------------------------- arbitrary JSON at every write endpoint

_odd_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202e",
            "💥" * 50,
            "a" * 5000,
            "null",
            "0",
            "-1",
            "99999999999999999999",
            "1e309",
            "%s%n",
            "'; --",
        ]
    ),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=10),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 2**31, 2**63, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False),
    _odd_text,
)
json_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def _write_endpoints() -> list[Endpoint]:
    found = [e for e in endpoints(SCHEMA_APP) if e.is_api and e.method in ("POST", "PUT", "PATCH")]
    return [e for e in found if e.key not in NOT_FUZZED]


WRITE_ENDPOINTS = _write_endpoints()
SPEC = SCHEMA_APP.openapi()
_EXTREME_INTS = st.sampled_from([0, -1, 1, 2**31 - 1, 2**31, 2**63, -(2**63) - 1, 10**30])


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    seen: set[str] = set()
    while "$ref" in node and node["$ref"] not in seen:
        seen.add(node["$ref"])
        node = SPEC["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def shaped_like(node: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of roughly the declared JSON-schema type, mixed with arbitrary JSON: valid enough to get past
    validation often, odd enough to find what validation lets through."""
    node = _resolve(node)
    if depth > 3:
        return json_values
    options: list[st.SearchStrategy[Any]] = [json_values]
    if "enum" in node:
        options.append(st.sampled_from(node["enum"]))
    if "const" in node:
        options.append(st.just(node["const"]))
    for variant in node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", []):
        options.append(shaped_like(variant, depth + 1))
    kind = node.get("type")
    if kind == "integer":
        options += [st.integers(), _EXTREME_INTS]
    elif kind == "number":
        options += [st.floats(allow_nan=False, allow_infinity=False), _EXTREME_INTS]
    elif kind == "string":
        options += [_odd_text, _odd_text]
    elif kind == "boolean":
        options.append(st.booleans())
    elif kind == "array":
        options.append(st.lists(shaped_like(node.get("items", {}), depth + 1), max_size=4))
    elif kind == "object" or "properties" in node:
        properties = node.get("properties", {})
        required = set(node.get("required", []))
        options.append(
            st.fixed_dictionaries(
                {name: shaped_like(sub, depth + 1) for name, sub in properties.items() if name in required},
                optional={
                    name: shaped_like(sub, depth + 1) for name, sub in properties.items() if name not in required
                },
            )
        )
    return st.one_of(*options)


def request_body_schema(endpoint: Endpoint) -> dict[str, Any]:
    operation = SPEC["paths"].get(endpoint.path, {}).get(endpoint.method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    return _resolve(content.get("application/json", {}).get("schema", {}))


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS, ids=[f"{e.method} {e.path}" for e in WRITE_ENDPOINTS])
def test_arbitrary_json_never_makes_a_write_endpoint_fail(endpoint: Endpoint, client: Any, make_ctx: Any) -> None:
    declared = request_body_schema(endpoint)
    # Mostly bodies shaped like the declared schema (they reach the service code), sometimes anything at all.
    bodies = st.one_of(shaped_like(declared), shaped_like(declared), shaped_like(declared), json_values)
    path_values = st.sampled_from(["1", "1", "2", "0", "-1", "99999999999999999999", "abc", "%20"])

    @hypothesis.settings(max_examples=JSON_EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
    @given(body=bodies, fill=path_values)
    def check(body: Any, fill: str) -> None:
        url = endpoint.url(fill)
        headers = {"Authorization": f"Bearer {_fresh_owner_token(make_ctx)}", "Content-Type": "application/json"}
        response = client.request(endpoint.method, url, content=json.dumps(body), headers=headers)
        _assert_not_a_server_error(endpoint.method, url, response.status_code, response.content, body)

    check()


# ---------------------------------------------------------------- odd path values at every API route

ODD_PATH_VALUES = [
    "0",
    "-1",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999",
    "abc",
    "1.5",
    "%00",
    "%F0%9F%92%A5",
]
PATH_ENDPOINTS = [e for e in endpoints(SCHEMA_APP) if e.is_api and "{" in e.path and e.key not in NOT_FUZZED]


@pytest.mark.parametrize("endpoint", PATH_ENDPOINTS, ids=[f"{e.method} {e.path}" for e in PATH_ENDPOINTS])
def test_odd_path_values_never_make_an_api_route_fail(endpoint: Endpoint, client: Any, make_ctx: Any) -> None:
    # Out-of-range ids overflow the database's integer columns; NUL bytes are refused by PostgreSQL text.
    for value in ODD_PATH_VALUES:
        url = endpoint.url(value)
        headers = {"Authorization": f"Bearer {_fresh_owner_token(make_ctx)}"}
        body = {} if endpoint.method in ("POST", "PUT", "PATCH") else None
        response = client.request(endpoint.method, url, headers=headers, json=body)
        _assert_not_a_server_error(endpoint.method, url, response.status_code, response.content, body)


# ---------------------------------------------------------------- odd query strings and forms at every HTML page

_UI_SKIP_PREFIXES = ("/api/", "/static", "/openapi.json", "/docs/", "/healthz")
UI_ENDPOINTS = [
    e
    for e in endpoints(SCHEMA_APP)
    if not e.path.startswith(_UI_SKIP_PREFIXES) and e.method in ("GET", "POST") and hasattr(e.route, "dependant")
]


def _declared_names(endpoint: Endpoint) -> tuple[list[str], list[str]]:
    """(query parameter names, form field names) the route reads."""
    query: list[str] = []
    form: list[str] = []
    pending = [endpoint.route.dependant]
    while pending:
        dependant = pending.pop()
        query += [field.alias for field in dependant.query_params]
        form += [field.alias for field in dependant.body_params if field.alias != "csrf_token"]
        pending += dependant.dependencies
    return sorted(set(query)), sorted(set(form))


def _ui_session(make_ctx: Any) -> tuple[str, str]:
    """A fresh owner session (cookie, CSRF token): an earlier example may have logged the last one out."""
    number = next(_fresh_owner_ids)
    with make_ctx() as ctx:
        user = auth_service.create_user(ctx, email=f"fuzz-ui-{number}@example.com", name=f"UI {number}", role="owner")
        cookie, record = auth_service.start_web_session(ctx, user=user)
        return cookie, record.csrf_token


@pytest.mark.parametrize("endpoint", UI_ENDPOINTS, ids=[f"{e.method} {e.path}" for e in UI_ENDPOINTS])
def test_odd_query_strings_and_forms_never_make_a_page_fail(endpoint: Endpoint, client: Any, make_ctx: Any) -> None:
    query_names, form_names = _declared_names(endpoint)
    params = st.fixed_dictionaries({}, optional={name: _odd_text for name in query_names})
    form = st.fixed_dictionaries({}, optional={name: _odd_text for name in form_names})
    path_values = st.sampled_from(["1", "1", "2", "0", "-1", "99999999999999999999", "abc", "%20"])

    @hypothesis.settings(max_examples=UI_EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
    @given(query=params, data=form, fill=path_values)
    def check(query: dict[str, str], data: dict[str, str], fill: str) -> None:
        cookie, csrf = _ui_session(make_ctx)
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, cookie)
        url = endpoint.url(fill)
        headers = {"Accept": "text/html"}
        if endpoint.method == "GET":
            response = client.get(url, params=query, headers=headers, follow_redirects=False)
        else:
            form_data = {**data, "csrf_token": csrf}
            response = client.post(url, params=query, data=form_data, headers=headers, follow_redirects=False)
        assert response.status_code < 500, f"{endpoint.method} {url} {query!r} {data!r}: {response.text[:500]}"

    check()


def test_malformed_json_is_a_clear_422(alice_api):
    response = alice_api.post("/api/v1/tokens", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"].startswith("invalid request: ")


def test_the_write_endpoint_list_is_not_empty():
    assert ("POST", "/api/v1/tokens") in {e.key for e in WRITE_ENDPOINTS}

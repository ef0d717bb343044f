"""Bad input to the catalog always gets a clear 4xx, never a 500 (runbook links, names, huge ids, NUL bytes)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("ftp://files.example.com/rb", "must start with http:// or https://"),
        ("wiki.example.com/rb", "must start with http:// or https://"),
        ("https://", "has no host name"),
        ("https://wiki.example.com/run book", "contains spaces or control characters"),
        ("https://[::1", "must start with http:// or https://"),
    ],
)
def test_runbook_urls_must_be_absolute_http_links(alice_api, url, problem):
    response = alice_api.post("/api/v1/services", json={"name": "wms", "tier": 1, "runbook_url": url})
    assert response.status_code == 422
    body = response.json()
    assert problem in body["error"]
    assert body["detail"] == {"field": "runbook_url"}


def test_http_and_https_runbook_urls_are_kept(alice_api):
    for name, url in (("a", "http://intranet/rb"), ("b", "HTTPS://wiki.example.com/rb?x=1#top")):
        response = alice_api.post("/api/v1/services", json={"name": name, "tier": 1, "runbook_url": url})
        assert response.status_code == 201
        assert response.json()["runbook_url"] == url


def test_an_empty_runbook_url_means_none(alice_api):
    response = alice_api.post("/api/v1/services", json={"name": "wms", "tier": 1, "runbook_url": "  "})
    assert response.json()["runbook_url"] is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "body.name: String should have at least 1 character"),
        ("   ", "body.name: String should have at least 1 character"),
        ("12345", "the service name '12345' is only digits and would be confused with an id; add a letter"),
        ("wms\x00", "the service name contains control characters; use printable text"),
        ("w" * 201, "body.name: String should have at most 200 characters"),
    ],
)
def test_names_must_be_printable_and_not_look_like_ids(alice_api, name, message):
    response = alice_api.post("/api/v1/services", json={"name": name, "tier": 1})
    assert response.status_code == 422
    assert message in response.json()["error"]


def test_odd_references_are_4xx_not_500(alice_api):
    huge = 10**12
    assert alice_api.get(f"/api/v1/services/{huge}").status_code == 422
    assert alice_api.get("/api/v1/services/2147483647").status_code == 404
    created = alice_api.post("/api/v1/services", json={"name": "wms", "tier": 1}).json()
    for ref in ("nul%00byte", "99999999999999999999", "¹²³"):
        response = alice_api.post(f"/api/v1/services/{created['id']}/dependencies/{ref}")
        assert response.status_code == 422, ref
    response = alice_api.post("/api/v1/services", json={"name": "x", "tier": 1, "depends_on": ["a\x00b", 2147483647]})
    assert response.status_code == 422
    assert alice_api.get("/api/v1/services?q=a%00b").status_code == 422
    assert alice_api.get("/api/v1/services?team=a%00b").status_code == 422


def test_descriptions_keep_newlines_but_refuse_other_control_characters(alice_api):
    ok = alice_api.post("/api/v1/services", json={"name": "wms", "tier": 1, "description": "line one\nline two"})
    assert ok.json()["description"] == "line one\nline two"
    bad = alice_api.post("/api/v1/services", json={"name": "labels", "tier": 1, "description": "bell\x07"})
    assert bad.status_code == 422
    assert bad.json()["detail"] == {"field": "description"}


def test_a_body_that_is_not_an_object_is_422(alice_api):
    for body in ([], "wms", None, 3):
        assert alice_api.post("/api/v1/services", json=body).status_code == 422
        assert alice_api.post("/api/v1/teams", json=body).status_code == 422
        assert alice_api.post("/api/v1/business-functions", json=body).status_code == 422

"""Silences pages: tabs, the new-silence form (prefilled from an alert's labels), errors next to fields, expire."""

from __future__ import annotations

import re
from typing import Any

from conftest import ui_login


def test_silence_like_this_prefills_the_matcher_rows(client: Any, bob: Any) -> None:
    ui_login(client, bob)
    page = client.get("/silences/new?m=env%3Dstaging&m=instance%3D~web-.%2A&comment=noisy")
    assert page.status_code == 200
    names = re.findall(r'name="matcher_name" value="([^"]*)"', page.text)
    values = re.findall(r'name="matcher_value" value="([^"]*)"', page.text)
    assert names == ["env", "instance", "", "", ""]
    assert values == ["staging", "web-.*", "", "", ""]
    assert '<option value="=~" selected>' in page.text
    assert ">noisy</textarea>" in page.text
    assert "Firing alerts these matchers silence now" in page.text
    assert "None at the moment" in page.text


def test_creating_from_the_form_then_expiring_it(client: Any, bob: Any) -> None:
    csrf = ui_login(client, bob)
    form = {
        "csrf_token": csrf,
        "matcher_name": ["env", ""],
        "matcher_op": ["=", "="],
        "matcher_value": ["staging", ""],
        "service_id": "",
        "duration": "3h",
        "comment": "load test",
    }
    created = client.post("/silences", data=form, follow_redirects=False)
    assert created.status_code == 303
    location = created.headers["location"]
    assert re.fullmatch(r"/silences/\d+\?done=created", location)
    detail = client.get(location)
    assert "Silence created." in detail.text
    assert '<code>env="staging"</code>' in detail.text
    assert "2026-03-01 15:00 UTC" in detail.text
    listing = client.get("/silences?status=active")
    assert location.split("?")[0] in listing.text
    silence_path = location.split("?")[0]
    expired = client.post(f"{silence_path}/expire", data={"csrf_token": csrf}, follow_redirects=True)
    assert "Silence expired; its alerts are evaluated again." in expired.text
    assert "Expire now" not in expired.text
    assert silence_path in client.get("/silences?status=expired").text


def test_a_bad_regex_is_shown_next_to_its_row(client: Any, bob: Any) -> None:
    csrf = ui_login(client, bob)
    form = {
        "csrf_token": csrf,
        "matcher_name": ["env", "job"],
        "matcher_op": ["=", "=~"],
        "matcher_value": ["staging", "(api"],
        "duration": "2h",
        "comment": "x",
    }
    page = client.post("/silences", data=form)
    assert page.status_code == 422
    assert 'id="matcher-1-error"' in page.text
    assert "matcher 2: &#39;(api&#39; is not a valid regular expression" in page.text
    bad_duration = client.post("/silences", data={**form, "matcher_value": ["staging", "api"], "duration": "soon"})
    assert bad_duration.status_code == 422
    assert 'id="duration-error"' in bad_duration.text


def test_viewers_see_the_list_but_no_form(client: Any, charlie: Any) -> None:
    ui_login(client, charlie)
    listing = client.get("/silences")
    assert listing.status_code == 200
    assert "No active silences." in listing.text
    assert "New silence" not in listing.text
    assert client.get("/silences/new").status_code == 403

"""The admin page for blameless-language rules: built-in ones read-only, team rules added and deleted."""

from __future__ import annotations

import re

from conftest import ui_login

PAGE = "/admin/postmortem-rules"
BUILTIN = [
    "blame.judgement",
    "blame.counterfactual",
    "blame.person-as-cause",
    "impact.no-numbers",
    "action.verb-first",
    "action.no-owner",
    "action.no-due-date",
]


def _rule(**fields):
    return {
        "rule_id": "team.rockstar",
        "kind": "phrases",
        "phrases": "rockstar, ninja",
        "pattern": "",
        "why": "Hero culture hides the system.",
        "suggestion": "Name what the system did.",
        **fields,
    }


def _add(client, csrf, data, sections=()):
    body = {"csrf_token": csrf, **data, "sections": list(sections)}
    return client.post(PAGE, data=body, follow_redirects=False)


def _error(text, field):
    found = re.search(rf'id="rule-{field}-error" role="alert">([^<]*)</p>', text)
    return found.group(1) if found else None


def test_the_page_lists_the_builtin_rules_and_is_linked_for_admins_only(client, alice, bob):
    ui_login(client, alice)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert re.findall(r'<tr><td class="nowrap"><code>([^<]+)</code>', page.text) == BUILTIN
    assert "Built-in rules (7)" in page.text
    assert "Your team's rules (0)" in page.text
    assert f'<a href="{PAGE}" aria-current="page">Post-mortem rules</a>' in page.text
    client.post("/logout", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)})
    ui_login(client, bob)
    assert f'href="{PAGE}"' not in client.get("/incidents").text
    assert client.get(PAGE).status_code == 403


def test_an_admin_adds_a_phrase_rule_and_the_check_uses_it(client, alice, alice_api):
    csrf = ui_login(client, alice)
    response = _add(client, csrf, _rule(), sections=("response", "went_wrong"))
    assert (response.status_code, response.headers["location"]) == (303, f"{PAGE}?added=team.rockstar")
    assert "Added rule team.rockstar." in client.get(response.headers["location"]).text
    [rule] = alice_api.get("/api/v1/postmortem-lint/rules").json()["items"]
    assert {k: rule[k] for k in ("rule_id", "phrases", "pattern", "sections", "why", "suggestion")} == {
        "rule_id": "team.rockstar",
        "phrases": ["rockstar", "ninja"],
        "pattern": None,
        "sections": ["response", "went_wrong"],
        "why": "Hero culture hides the system.",
        "suggestion": "Name what the system did.",
    }
    lint = alice_api.post("/api/v1/postmortem-lint", json={"text": "Our Ninja fixed it", "section": "response"})
    assert [(f["rule_id"], f["text"]) for f in lint.json()["findings"]] == [("team.rockstar", "Ninja")]
    elsewhere = alice_api.post("/api/v1/postmortem-lint", json={"text": "Our Ninja fixed it", "section": "summary"})
    assert elsewhere.json()["findings"] == []


def test_an_admin_adds_a_pattern_rule(client, alice, alice_api):
    csrf = ui_login(client, alice)
    data = _rule(rule_id="team.hero", kind="pattern", phrases="ignored", pattern=r"\bhero(es)?\b")
    assert _add(client, csrf, data).status_code == 303
    [rule] = alice_api.get("/api/v1/postmortem-lint/rules").json()["items"]
    assert (rule["rule_id"], rule["phrases"], rule["pattern"], rule["sections"]) == (
        "team.hero",
        [],
        r"\bhero(es)?\b",
        [],
    )
    lint = alice_api.post("/api/v1/postmortem-lint", json={"text": "Two heroes stayed up", "section": "summary"})
    assert [f["text"] for f in lint.json()["findings"]] == ["heroes"]


def test_an_invalid_regular_expression_is_shown_next_to_the_pattern(client, alice, alice_api):
    csrf = ui_login(client, alice)
    response = _add(client, csrf, _rule(kind="pattern", pattern="(unclosed"))
    assert response.status_code == 422
    assert _error(response.text, "pattern") == (
        "the pattern is not a valid regular expression: missing ), unterminated subpattern at position 0"
    )
    # What was typed comes back, so it can be fixed.
    assert 'name="pattern" maxlength="300" value="(unclosed"' in response.text
    assert alice_api.get("/api/v1/postmortem-lint/rules").json()["total"] == 0


def test_bad_fields_are_refused_next_to_each_field(client, alice, alice_api):
    csrf = ui_login(client, alice)
    cases = [
        (
            _rule(rule_id="Team Rockstar"),
            "rule_id",
            "rule id &#39;Team Rockstar&#39; must be lower-case letters, digits, dots, dashes or underscores,"
            " e.g. team.rockstar",
        ),
        (_rule(kind="word"), "kind", "Kind: &#39;word&#39; is not one of phrases, pattern."),
        (_rule(phrases=" , "), "phrases", "Phrases: give at least one word or phrase, separated by commas or lines."),
        (_rule(kind="pattern", pattern=""), "pattern", "Pattern: give a regular expression, e.g. \\bhero(es)?\\b."),
        (_rule(why=""), "why", "Why is required."),
        (_rule(suggestion="x" * 2001), "suggestion", "Suggestion is too long: 2001 characters, at most 2000."),
    ]
    for data, field, message in cases:
        response = _add(client, csrf, data)
        assert (field, response.status_code, _error(response.text, field)) == (field, 422, message)
    sections = _add(client, csrf, _rule(), sections=("nowhere",))
    assert sections.status_code == 422
    assert _error(sections.text, "sections") == (
        "unknown section(s) nowhere; use summary, impact, detection, response, root_cause, contributing_factors,"
        " mitigation, went_well, went_wrong, got_lucky, debrief, action_items"
    )
    assert alice_api.get("/api/v1/postmortem-lint/rules").json()["total"] == 0


def test_a_duplicate_rule_id_is_a_conflict_next_to_the_id(client, alice):
    csrf = ui_login(client, alice)
    assert _add(client, csrf, _rule()).status_code == 303
    response = _add(client, csrf, _rule())
    assert response.status_code == 409
    assert _error(response.text, "rule_id") == (
        "a rule with id &#39;team.rockstar&#39; exists; pick another id or delete it first"
    )


def test_an_admin_deletes_a_team_rule(client, alice, alice_api):
    csrf = ui_login(client, alice)
    assert _add(client, csrf, _rule()).status_code == 303
    [rule] = alice_api.get("/api/v1/postmortem-lint/rules").json()["items"]
    page = client.get(PAGE)
    assert f'action="{PAGE}/{rule["id"]}/delete"' in page.text
    response = client.post(f"{PAGE}/{rule['id']}/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"{PAGE}?deleted=team.rockstar")
    assert alice_api.get("/api/v1/postmortem-lint/rules").json()["total"] == 0
    lint = alice_api.post("/api/v1/postmortem-lint", json={"text": "Our rockstar fixed it", "section": "response"})
    assert lint.json()["findings"] == []
    missing = client.post(f"{PAGE}/{rule['id']}/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert missing.status_code == 404


def test_responders_cannot_add_or_delete_rules(client, alice, alice_api, bob):
    created = alice_api.post(
        "/api/v1/postmortem-lint/rules",
        json={"rule_id": "team.ninja", "phrases": ["ninja"], "why": "w", "suggestion": "s"},
    )
    assert created.status_code == 201
    csrf = ui_login(client, bob)
    assert _add(client, csrf, _rule()).status_code == 403
    deleted = client.post(f"{PAGE}/{created.json()['id']}/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert deleted.status_code == 403
    assert [r["rule_id"] for r in alice_api.get("/api/v1/postmortem-lint/rules").json()["items"]] == ["team.ninja"]

"""The blameless-language linter: a table of good and bad sentences, team rules, dismissals, odd text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from test_review_support import resolved_incident
from warroom.review.lint import lint, lint_action_item, person_names

NAMES = person_names(["Bob Baker", "Alice Archer"])

BAD = [
    ("The outage was caused by Bob.", "root_cause", "blame.person-as-cause", "caused by Bob"),
    ("@alice broke the deploy pipeline", "root_cause", "blame.person-as-cause", "@alice broke"),
    ("Bob Baker deployed the wrong config", "response", "blame.person-as-cause", "Bob Baker deployed"),
    ("It was all because of Alice", "root_cause", "blame.person-as-cause", "because of Alice"),
    ("This was human error.", "root_cause", "blame.judgement", "human error"),
    ("A careless change to the pool size", "root_cause", "blame.judgement", "careless"),
    ("The operator was negligent", "response", "blame.judgement", "negligent"),
    ("An incompetent rollout", "went_wrong", "blame.judgement", "incompetent"),
    ("We should have checked the dashboard", "went_wrong", "blame.counterfactual", "should have"),
    ("The team could have rolled back", "response", "blame.counterfactual", "could have"),
    ("The engineer failed to notice the alert", "detection", "blame.counterfactual", "failed to"),
    ("If only the alert had fired", "detection", "blame.counterfactual", "If only"),
    ("Some customers saw slow pages", "impact", "impact.no-numbers", "Some"),
    ("Checkout was degraded", "impact", "impact.no-numbers", "degraded"),
    ("Alerting on 401 responses", "action_items", "action.verb-first", "Alerting"),
    ("- Runbook for credential rotation", "action_items", "action.verb-first", "Runbook"),
]
GOOD = [
    ("The deploy tool accepted a config without validation.", "root_cause"),
    ("2,300 DPD parcels waited 80 minutes; 18% of the day's volume.", "impact"),
    ("The alert did not reach the on-call channel because the route was missing.", "detection"),
    ("Bobby tables were rebuilt overnight.", "mitigation"),
    ("- Add an alert on DPD 401 responses\n- Rotate credentials automatically", "action_items"),
    ("Caused by an expired credential.", "root_cause"),
    ("", "impact"),
]


@pytest.mark.parametrize(("text", "section", "rule", "span"), BAD)
def test_bad_sentences_are_flagged_with_why_and_a_suggestion(text, section, rule, span):
    findings = lint(text, section=section, names=NAMES)
    assert [(f.rule_id, text[f.start : f.end]) for f in findings] == [(rule, span)]
    assert findings[0].why and findings[0].suggestion


@pytest.mark.parametrize(("text", "section"), GOOD)
def test_good_sentences_pass(text, section):
    assert lint(text, section=section, names=NAMES) == []


def test_an_action_item_needs_a_verb_an_owner_and_a_due_date():
    assert [f.rule_id for f in lint_action_item("Alerting", has_owner=False, has_due_date=False)] == [
        "action.verb-first",
        "action.no-owner",
        "action.no-due-date",
    ]
    assert lint_action_item("Add an alert", has_owner=True, has_due_date=True) == []


@given(st.text(max_size=300), st.sampled_from(["impact", "root_cause", "action_items", "summary"]))
def test_the_linter_never_crashes_on_random_unicode(text, section):
    for finding in lint(text, section=section, names=[*NAMES, "Ünïcødé Nàme", "(.*)"]):
        assert 0 <= finding.start <= finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text


def test_the_lint_endpoint_uses_the_user_directory(alice_api, bob):
    response = alice_api.post(
        "/api/v1/postmortem-lint", json={"text": "It was caused by Bob.", "section": "root_cause"}
    )
    assert response.status_code == 200
    [finding] = response.json()["findings"]
    assert (finding["rule_id"], finding["start"], finding["end"], finding["text"]) == (
        "blame.person-as-cause",
        7,
        20,
        "caused by Bob",
    )
    assert "system" in finding["suggestion"]


def test_an_unknown_section_is_a_422(alice_api):
    response = alice_api.post("/api/v1/postmortem-lint", json={"text": "x", "section": "nope"})
    assert response.status_code == 422


def test_admins_add_rules_as_data_and_they_apply(alice_api, bob_api):
    rule = {"rule_id": "team.rockstar", "phrases": ["rockstar"], "why": "Hero culture", "suggestion": "Name the system"}
    assert bob_api.post("/api/v1/postmortem-lint/rules", json=rule).status_code == 403
    created = alice_api.post("/api/v1/postmortem-lint/rules", json=rule)
    assert created.status_code == 201, created.text
    findings = alice_api.post("/api/v1/postmortem-lint", json={"text": "Our Rockstar fixed it", "section": "response"})
    assert [(f["rule_id"], f["text"]) for f in findings.json()["findings"]] == [("team.rockstar", "Rockstar")]
    duplicate = alice_api.post("/api/v1/postmortem-lint/rules", json=rule)
    assert duplicate.status_code == 409


def test_a_broken_pattern_rule_is_refused(alice_api):
    rule = {"rule_id": "team.bad", "pattern": "(unclosed", "why": "x", "suggestion": "y"}
    response = alice_api.post("/api/v1/postmortem-lint/rules", json=rule)
    assert response.status_code == 422
    assert "regular expression" in response.json()["error"]


def test_saving_a_section_lints_it_and_a_dismissal_is_recorded(alice_api):
    incident = resolved_incident(alice_api)
    base = f"/api/v1/incidents/{incident['id']}/postmortem"
    saved = alice_api.patch(base, json={"sections": {"went_wrong": "We should have paged earlier."}})
    [finding] = [f for f in saved.json()["lint"] if f["section"] == "went_wrong"]
    assert (finding["rule_id"], finding["dismissed"]) == ("blame.counterfactual", None)
    dismissal = {"section": "went_wrong", "rule_id": "blame.counterfactual", "match": "should have", "reason": "quote"}
    response = alice_api.post(f"{base}/dismissals", json=dismissal)
    assert response.status_code == 201
    [kept] = [f for f in response.json()["findings"] if f["section"] == "went_wrong"]
    assert kept["dismissed"]["reason"] == "quote"
    assert kept["dismissed"]["by"] == "Alice"

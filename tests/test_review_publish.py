"""Publishing: required sections (422 listing them), SEV1/SEV2 action items, workflow, public version."""

from __future__ import annotations

from test_review_support import FILLED, publish, resolved_incident, write_sections


def test_publishing_with_empty_required_sections_lists_them(alice_api):
    incident = resolved_incident(alice_api, summary="Labels failed")
    response = publish(alice_api, incident["id"])
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]["empty_sections"] == ["response", "root_cause", "mitigation"]
    assert body["error"] == (
        "cannot publish: these required sections are empty: Response, Trigger and root cause, "
        "Mitigation and resolution; write them first"
    )
    assert alice_api.get(f"/api/v1/incidents/{incident['id']}/postmortem").json()["status"] == "draft"


def test_a_sev2_postmortem_needs_an_action_item_or_a_reason(alice_api):
    incident = resolved_incident(alice_api, severity="SEV2")
    write_sections(alice_api, incident["id"])
    refused = publish(alice_api, incident["id"])
    assert refused.status_code == 422
    assert "at least one action item" in refused.json()["error"]
    alice_api.patch(f"/api/v1/incidents/{incident['id']}/postmortem", json={"no_actions_reason": "Vendor-side fix"})
    published = publish(alice_api, incident["id"])
    assert published.status_code == 200, published.text
    assert (published.json()["status"], published.json()["published_at"]) == ("published", "2026-03-01T12:00:00+00:00")


def test_a_sev1_postmortem_publishes_with_an_action_item(alice_api):
    incident = resolved_incident(alice_api, severity="SEV1")
    write_sections(alice_api, incident["id"])
    alice_api.post(f"/api/v1/incidents/{incident['id']}/action-items", json={"title": "Add alert", "type": "detect"})
    assert publish(alice_api, incident["id"]).status_code == 200


def test_review_workflow_with_reviewers_and_comments(alice_api, bob_api, bob, charlie_api):
    incident = resolved_incident(alice_api)
    base = f"/api/v1/incidents/{incident['id']}/postmortem"
    write_sections(alice_api, incident["id"])
    assert alice_api.post(f"{base}/status", json={"status": "in_review"}).json()["status"] == "in_review"
    alice_api.post(f"{base}/reviewers", json={"user_id": bob.id})
    approved = bob_api.post(f"{base}/approve")
    assert approved.json()["reviewers"][0]["approved_at"] == "2026-03-01T12:00:00+00:00"
    commented = bob_api.post(f"{base}/comments", json={"body": "Add the carrier timeline", "section": "root_cause"})
    assert [(c["author"], c["section"], c["body"]) for c in commented.json()["comments"]] == [
        ("Bob", "root_cause", "Add the carrier timeline")
    ]
    assert charlie_api.post(f"{base}/comments", json={"body": "hi"}).status_code == 403
    assert publish(alice_api, incident["id"]).status_code == 200
    again = alice_api.post(f"{base}/status", json={"status": "draft"})
    assert again.status_code == 409
    assert "published is final" in again.json()["error"]
    edit = alice_api.patch(base, json={"sections": {"summary": "changed"}})
    assert edit.status_code == 409


def test_the_debrief_is_private_to_responders_and_never_exported(alice_api, charlie_api):
    incident = resolved_incident(alice_api)
    base = f"/api/v1/incidents/{incident['id']}/postmortem"
    alice_api.patch(base, json={"sections": {"debrief": "Bob worked 14 hours straight"}})
    assert alice_api.get(base).json()["sections"]["debrief"] == "Bob worked 14 hours straight"
    assert charlie_api.get(base).json()["sections"]["debrief"] == ""
    assert "14 hours" not in alice_api.get(f"/api/v1/incidents/{incident['id']}/postmortem.md").text
    assert "14 hours" not in alice_api.get(f"/api/v1/incidents/{incident['id']}/postmortem.html").text
    refused = alice_api.patch(base, json={"public_sections": ["debrief"]})
    assert refused.status_code == 422


def test_the_public_version_has_only_sections_marked_public(alice_api, make_ctx):
    from warroom.review.service import public_postmortem

    incident = resolved_incident(alice_api, title="Labels fail")
    base = f"/api/v1/incidents/{incident['id']}/postmortem"
    write_sections(alice_api, incident["id"])
    alice_api.patch(base, json={"public_sections": ["summary", "root_cause", "action_items"]})
    alice_api.post(f"/api/v1/incidents/{incident['id']}/action-items", json={"title": "Rotate keys", "type": "prevent"})
    assert alice_api.get(f"{base}/public").status_code == 404
    publish(alice_api, incident["id"])
    with make_ctx() as ctx:
        public = public_postmortem(ctx.session, incident["id"])
    assert public is not None
    assert (public["summary"], public["what_we_are_doing"]) == (FILLED["summary"], "- Rotate keys (planned)")
    assert public["what_happened"] == "Trigger and root cause\n" + FILLED["root_cause"]
    assert "2300 parcels" not in str(public)
    assert alice_api.get(f"{base}/public").json()["title"] == "Labels fail"


def test_exports_are_markdown_and_standalone_html(alice_api):
    incident = resolved_incident(alice_api, title="Labels <fail>")
    write_sections(alice_api, incident["id"])
    markdown = alice_api.get(f"/api/v1/incidents/{incident['id']}/postmortem.md")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text.startswith("# Post-mortem: Labels <fail>\n")
    assert "## Trigger and root cause\n\n" + FILLED["root_cause"] in markdown.text
    html = alice_api.get(f"/api/v1/incidents/{incident['id']}/postmortem.html")
    assert html.text.startswith("<!doctype html>")
    assert "<title>Post-mortem: Labels &lt;fail&gt;</title>" in html.text
    assert "<script" not in html.text

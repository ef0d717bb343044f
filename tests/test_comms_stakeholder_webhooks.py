"""Stakeholder notices over signed webhooks and Slack-format webhooks, against a real loopback receiver."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import select

from comms_support import run_jobs
from conftest import ui_login
from warroom.lib.signing import verify
from warroom.notify.models import Delivery


class Receiver:
    """A loopback HTTP server that records each POST with its body, headers and signature check."""

    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                timestamp = int(self.headers.get("X-Warroom-Timestamp", "0"))
                signature = self.headers.get("X-Warroom-Signature", "")
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                        "json": json.loads(body),
                        "verified": verify(receiver.secret, timestamp, body, signature),
                    }
                )
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def _hook_events(api: Any, incident_id: int) -> list[dict[str, Any]]:
    events = api.get(f"/api/v1/incidents/{incident_id}/timeline").json()
    items = events["items"] if isinstance(events, dict) else events
    return [e for e in items if e["kind"] == "comms.webhook_notice_sent"]


def test_a_signed_webhook_gets_each_change_with_a_valid_signature(alice_api, db, clock, settings) -> None:
    with Receiver() as receiver:
        created = alice_api.post(
            "/api/v1/stakeholder-webhooks",
            json={"kind": "webhook", "url": receiver.url("/hook"), "scope": "severity", "severity": "SEV1"},
        )
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["host"] == "127.0.0.1"
        assert body["summary"] == "signed webhook 127.0.0.1: SEV1 incidents"
        assert body["secret"].startswith("whsec_")
        receiver.secret = body["secret"]
        incident = alice_api.post("/api/v1/incidents", json={"title": "Pickers offline", "severity": "SEV1"}).json()
        iid = incident["id"]
        alice_api.put(f"/api/v1/incidents/{iid}/bridge", json={"url": "https://meet.example.com/a", "label": "Meet"})
        alice_api.post("/api/v1/incidents", json={"title": "Typo", "severity": "SEV4"})
        run_jobs(db, clock, settings)
        alice_api.post(f"/api/v1/incidents/{iid}/status", json={"status": "resolved"})
        run_jobs(db, clock, settings)
    assert [r["json"]["change"] for r in receiver.requests] == ["declared", "resolved"]
    assert all(r["verified"] for r in receiver.requests)
    assert receiver.requests[0]["headers"]["X-Warroom-Event"] == "comms.stakeholder_notice"
    assert receiver.requests[1]["json"] == {
        "event": "comms.stakeholder_notice",
        "change": "resolved",
        "incident_id": iid,
        "title": "Pickers offline",
        "severity": "SEV1",
        "status": "resolved",
        "bridge_url": "https://meet.example.com/a",
        "bridge_label": "Meet",
        "incident_url": f"/incidents/{iid}",
    }
    events = _hook_events(alice_api, iid)
    assert [e["data"]["summary"] for e in events] == [
        "Stakeholder notice (declared) sent to signed webhook 127.0.0.1",
        "Stakeholder notice (resolved) sent to signed webhook 127.0.0.1",
    ]


def test_a_slack_webhook_gets_a_slack_format_message(alice_api, db, clock, settings) -> None:
    with Receiver() as receiver:
        created = alice_api.post(
            "/api/v1/stakeholder-webhooks",
            json={"kind": "slack", "url": receiver.url("/services/T0/B0/xyz"), "scope": "all"},
        )
        assert created.status_code == 201, created.text
        incident = alice_api.post("/api/v1/incidents", json={"title": "Dock <A> & B down", "severity": "SEV2"}).json()
        alice_api.put(
            f"/api/v1/incidents/{incident['id']}/bridge", json={"url": "https://meet.example.com/z", "label": "Zoom"}
        )
        alice_api.post(f"/api/v1/incidents/{incident['id']}/severity", json={"severity": "SEV1"})
        run_jobs(db, clock, settings)
    iid = incident["id"]
    assert [r["path"] for r in receiver.requests] == ["/services/T0/B0/xyz", "/services/T0/B0/xyz"]
    assert receiver.requests[1]["json"] == {
        "text": f"*[SEV1] Incident #{iid} severity changed:* Dock &lt;A&gt; &amp; B down\n"
        "Severity: SEV1 · Status: investigating\n"
        "Bridge: <https://meet.example.com/z|Zoom>\n"
        f"</incidents/{iid}|Open incident #{iid}>"
    }
    assert [e["data"]["summary"] for e in _hook_events(alice_api, iid)] == [
        "Stakeholder notice (declared) sent to Slack webhook 127.0.0.1",
        "Stakeholder notice (severity changed) sent to Slack webhook 127.0.0.1",
    ]


def test_private_incidents_go_only_to_webhooks_that_opted_in(alice_api, db, clock, settings) -> None:
    with Receiver() as receiver:
        for path, private in (("/closed", False), ("/open", True)):
            response = alice_api.post(
                "/api/v1/stakeholder-webhooks",
                json={"kind": "webhook", "url": receiver.url(path), "scope": "all", "include_private": private},
            )
            assert response.status_code == 201, response.text
        alice_api.post("/api/v1/incidents", json={"title": "Fraud", "severity": "SEV2", "private": True})
        run_jobs(db, clock, settings)
    assert [r["path"] for r in receiver.requests] == ["/open"]


def test_failed_deliveries_are_retried_by_notify(alice_api, db, clock, settings) -> None:
    # Nothing listens on this port: the delivery is retried with backoff like any notify webhook.
    alice_api.post(
        "/api/v1/stakeholder-webhooks", json={"kind": "webhook", "url": "http://127.0.0.1:9/x", "scope": "all"}
    )
    alice_api.post("/api/v1/incidents", json={"title": "Slow", "severity": "SEV3"})
    run_jobs(db, clock, settings)
    with db.transaction() as session:
        rows = [(d.status, d.attempts, d.event) for d in session.scalars(select(Delivery).order_by(Delivery.id))]
    assert rows == [("retrying", 1, "comms.stakeholder_notice")]


def test_only_admins_manage_webhooks_and_bad_input_is_a_4xx(alice_api, bob_api) -> None:
    good = {"kind": "webhook", "url": "https://hooks.example.com/a", "scope": "all"}
    assert bob_api.post("/api/v1/stakeholder-webhooks", json=good).status_code == 403
    assert bob_api.get("/api/v1/stakeholder-webhooks").status_code == 403
    assert alice_api.post("/api/v1/stakeholder-webhooks", json={**good, "kind": "sms"}).status_code == 422
    bad_url = alice_api.post("/api/v1/stakeholder-webhooks", json={**good, "url": "ftp://x"})
    assert (bad_url.status_code, bad_url.json()["detail"]) == (422, {"field": "url"})
    no_sev = alice_api.post("/api/v1/stakeholder-webhooks", json={**good, "scope": "severity"})
    assert (no_sev.status_code, no_sev.json()["detail"]) == (422, {"field": "severity"})
    first = alice_api.post("/api/v1/stakeholder-webhooks", json=good)
    assert first.status_code == 201
    twin = alice_api.post("/api/v1/stakeholder-webhooks", json=good)
    assert (twin.status_code, twin.json()["detail"]) == (409, {"id": first.json()["id"]})
    listed = alice_api.get("/api/v1/stakeholder-webhooks").json()
    assert [(i["host"], "secret" in i) for i in listed["items"]] == [("hooks.example.com", False)]
    assert alice_api.delete(f"/api/v1/stakeholder-webhooks/{first.json()['id']}").status_code == 204
    assert alice_api.delete(f"/api/v1/stakeholder-webhooks/{first.json()['id']}").status_code == 404
    assert alice_api.get("/api/v1/stakeholder-webhooks").json()["total"] == 0


def test_admins_add_and_delete_webhooks_on_the_subscriptions_page(client, alice, bob) -> None:
    token = ui_login(client, alice)
    form = {"csrf_token": token, "kind": "slack", "url": "https://hooks.slack.com/services/T/B/c", "scope": "all"}
    added = client.post("/subscriptions/webhooks", data={**form, "description": "exec channel"})
    assert added.status_code == 200
    assert "Webhook added: slack to https://hooks.slack.com/services/T/B/c." in added.text
    page = client.get("/subscriptions").text
    assert "Slack webhook hooks.slack.com: every incident" in page
    assert "/services/T/B/c" not in page
    bad = client.post("/subscriptions/webhooks", data={**form, "url": "nope"})
    assert bad.status_code == 422
    assert 'id="hook-error">&#39;nope&#39; is not a usable URL' in bad.text
    hook_id = re.search(r'action="/subscriptions/webhooks/(\d+)/delete"', page)
    assert hook_id is not None
    gone = client.post(
        f"/subscriptions/webhooks/{hook_id.group(1)}/delete", data={"csrf_token": token}, follow_redirects=False
    )
    assert gone.status_code == 303
    assert "No stakeholder webhooks." in client.get("/subscriptions").text
    client.cookies.clear()
    bob_token = ui_login(client, bob)
    assert "Stakeholder webhooks" not in client.get("/subscriptions").text
    refused = client.post("/subscriptions/webhooks", data={**form, "csrf_token": bob_token})
    assert refused.status_code == 403

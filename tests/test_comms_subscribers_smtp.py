"""Double opt-in over a real SMTP server on loopback: subscribe, confirm, get an update, unsubscribe (RFC 8058)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from comms_support import BASE_URL, Inbox, body, free_port, link_in, run_jobs, smtp_server, subscribe
from warroom.settings import Settings

CANARY = "CANARY-7f3e-private-do-not-leak"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def settings(database_url: str, port: int) -> Settings:
    return Settings(
        database_url=database_url,
        mode="dev",
        secret_key="test-secret-" + "x" * 40,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="status@example.com",
        smtp_timeout_seconds=5.0,
        base_url=BASE_URL,
    )


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    box = Inbox()
    with smtp_server(port, box):
        yield box


def _service(api: Any, name: str, public: bool = True) -> int:
    response = api.post("/api/v1/services", json={"name": name, "tier": 1, "public": public})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _incident(api: Any, service_id: int, *, private: bool = False, title: str = "Checkout down") -> int:
    response = api.post(
        "/api/v1/incidents",
        json={"title": title, "severity": "SEV2", "services": [service_id], "private": private, "summary": title},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _publish(api: Any, incident_id: int, service_id: int, text: str, **extra: Any) -> Any:
    return api.post(
        f"/api/v1/incidents/{incident_id}/public-updates",
        json={"status": "investigating", "body": text, "components": {str(service_id): "major_outage"}, **extra},
    )


def test_double_opt_in_round_trip_with_one_click_unsubscribe(client, alice_api, db, clock, settings, inbox) -> None:
    checkout = _service(alice_api, "Checkout")
    response = subscribe(client, "reader@example.org", [checkout])
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    run_jobs(db, clock, settings)
    [confirm_mail] = inbox.to("reader@example.org")
    assert confirm_mail["Subject"] == "Confirm your status update subscription"
    assert confirm_mail["List-Unsubscribe"] is None

    incident_id = _incident(alice_api, checkout)
    assert _publish(alice_api, incident_id, checkout, "Before confirming", name="Checkout errors").status_code == 201
    run_jobs(db, clock, settings)
    assert len(inbox.to("reader@example.org")) == 1  # unconfirmed addresses get nothing

    confirmed = client.get(link_in(confirm_mail, "subscribe/confirm"))
    assert confirmed.status_code == 200
    assert "Subscription confirmed" in confirmed.text

    clock.advance(minutes=5)
    assert _publish(alice_api, incident_id, checkout, "We found the fault in the payment gateway.").status_code == 201
    run_jobs(db, clock, settings)
    mails = inbox.to("reader@example.org")
    assert len(mails) == 2
    update = mails[1]
    assert update["Subject"] == "[Status] Checkout errors: investigating"
    assert "We found the fault in the payment gateway." in body(update)
    unsubscribe_path = link_in(update, "unsubscribe")
    assert update["List-Unsubscribe"] == f"<{BASE_URL}{unsubscribe_path}>"
    assert update["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # RFC 8058: a bare POST, no cookies, no CSRF token.
    client.cookies.clear()
    one_click = client.post(unsubscribe_path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert "Unsubscribed" in one_click.text

    clock.advance(minutes=5)
    assert _publish(alice_api, incident_id, checkout, "Still working on it.").status_code == 201
    run_jobs(db, clock, settings)
    assert len(inbox.to("reader@example.org")) == 2


def test_a_get_of_the_unsubscribe_link_only_asks(client, alice_api, db, clock, settings, inbox) -> None:
    checkout = _service(alice_api, "Checkout")
    subscribe(client, "reader@example.org")
    run_jobs(db, clock, settings)
    client.get(link_in(inbox.to("reader@example.org")[0], "subscribe/confirm"))
    incident_id = _incident(alice_api, checkout)
    _publish(alice_api, incident_id, checkout, "Looking into it.", name="Checkout errors")
    run_jobs(db, clock, settings)
    path = link_in(inbox.to("reader@example.org")[1], "unsubscribe")

    page = client.get(path)
    assert page.status_code == 200
    assert "Unsubscribe?" in page.text
    assert f'action="{path}"' in page.text
    clock.advance(minutes=5)
    _publish(alice_api, incident_id, checkout, "Second update.")
    run_jobs(db, clock, settings)
    assert len(inbox.to("reader@example.org")) == 3


def test_subscribers_of_other_components_get_nothing(client, alice_api, db, clock, settings, inbox) -> None:
    checkout = _service(alice_api, "Checkout")
    search = _service(alice_api, "Search")
    subscribe(client, "search-fan@example.org", [search])
    run_jobs(db, clock, settings)
    client.get(link_in(inbox.to("search-fan@example.org")[0], "subscribe/confirm"))
    incident_id = _incident(alice_api, checkout)
    _publish(alice_api, incident_id, checkout, "Checkout only.", name="Checkout errors")
    run_jobs(db, clock, settings)
    assert len(inbox.to("search-fan@example.org")) == 1


def test_a_forged_or_truncated_link_is_refused(client, alice_api, db, clock, settings, inbox) -> None:
    subscribe(client, "reader@example.org")
    run_jobs(db, clock, settings)
    path = link_in(inbox.to("reader@example.org")[0], "subscribe/confirm")
    assert client.get(path[:-1] + ("0" if path[-1] != "0" else "1")).status_code == 404
    assert client.get("/status/subscribe/confirm/1-abc").status_code == 404
    # A confirm token is not an unsubscribe token.
    token = path.rsplit("/", 1)[1]
    assert client.post(f"/status/unsubscribe/{token}").status_code == 404


def test_the_canary_in_private_text_never_reaches_subscriber_mail(
    client, alice_api, db, clock, settings, inbox
) -> None:
    checkout = _service(alice_api, "Checkout")
    _service(alice_api, f"Ledger {CANARY}", public=False)
    subscribe(client, "reader@example.org")
    run_jobs(db, clock, settings)
    client.get(link_in(inbox.to("reader@example.org")[0], "subscribe/confirm"))

    private_id = _incident(alice_api, checkout, private=True, title=f"Fraud probe {CANARY}")
    alice_api.post(f"/api/v1/incidents/{private_id}/notes", json={"body": f"internal {CANARY}"})
    assert _publish(alice_api, private_id, checkout, "Should never go out", name="Nope").status_code == 409
    public_id = _incident(alice_api, checkout, title=f"Internal title {CANARY}")
    alice_api.post(f"/api/v1/incidents/{public_id}/notes", json={"body": f"note {CANARY}"})
    alice_api.put(f"/api/v1/incidents/{public_id}/bridge", json={"url": f"https://meet.example.com/{CANARY}"})
    assert _publish(alice_api, public_id, checkout, "Checkout is slow.", name="Checkout slowness").status_code == 201
    run_jobs(db, clock, settings)
    mails = inbox.to("reader@example.org")
    assert [m["Subject"] for m in mails] == [
        "Confirm your status update subscription",
        "[Status] Checkout slowness: investigating",
    ]
    for message in inbox.messages():
        if message["To"] == "reader@example.org":
            assert CANARY not in message.as_string()

"""`warroom subscribers list|remove`."""

from __future__ import annotations

import io
import json
import secrets

from warroom.cli import CliApp, main
from warroom.comms.models import StatusSubscriber


def run(settings, clock, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    app = CliApp(settings=settings, clock=clock, out=out)
    try:
        code = main(list(argv), app=app)
    finally:
        app.close()
    return code, out.getvalue()


def _add(make_ctx, clock, email: str, confirmed: bool = True) -> None:
    with make_ctx() as ctx:
        ctx.session.add(
            StatusSubscriber(
                kind="email",
                email=email,
                component_ids=[],
                token_nonce=secrets.token_hex(16),
                confirmed_at=clock.now() if confirmed else None,
                created_at=clock.now(),
            )
        )


def test_subscribers_list_prints_states_and_json(settings, clock, make_ctx) -> None:
    _add(make_ctx, clock, "a@example.org")
    _add(make_ctx, clock, "b@example.org", confirmed=False)
    code, text = run(settings, clock, "subscribers", "list")
    assert code == 0
    lines = text.splitlines()
    assert lines[0].startswith("warning: SMTP is not configured")
    assert "pending" in lines[1] and lines[1].endswith("b@example.org")
    assert "confirmed" in lines[2] and lines[2].endswith("a@example.org")
    code, text = run(settings, clock, "subscribers", "list", "--state", "confirmed", "--json")
    data = json.loads(text)
    assert (data["total"], data["items"][0]["target"], data["smtp_configured"]) == (1, "a@example.org", False)


def test_subscribers_remove_deletes_the_address(settings, clock, make_ctx) -> None:
    _add(make_ctx, clock, "a@example.org")
    assert run(settings, clock, "subscribers", "remove", "A@example.org") == (
        0,
        "removed 1 subscriber with address a@example.org\n",
    )
    code, _text = run(settings, clock, "subscribers", "remove", "a@example.org")
    assert code == 1
    assert json.loads(run(settings, clock, "subscribers", "list", "--json")[1])["total"] == 0

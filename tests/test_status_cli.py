"""`warroom status publish`: the same rules as the API, from a terminal."""

from __future__ import annotations

import io
import json

from status_helpers import add_service, declare
from warroom.cli import CliApp, main
from warroom.status import service


def test_publish_prints_the_update_and_sets_components(make_ctx, alice, settings, clock, db):
    with make_ctx(actor=alice.user) as ctx:
        api = add_service(ctx, "Public API")
        incident_id = declare(ctx, services=[api.id]).id
    out = io.StringIO()
    args = [
        "status",
        "publish",
        str(incident_id),
        "--status",
        "identified",
        "--body",
        "Found it.",
        "--name",
        "API errors",
    ]
    args += ["--component", f"{api.id}=degraded_performance", "--no-notify", "--as", "alice@example.com", "--json"]

    code = main(args, app=CliApp(settings=settings, clock=clock, out=out))

    assert code == 0
    printed = json.loads(out.getvalue())
    assert (printed["status"], printed["notify_subscribers"]) == ("identified", False)
    assert printed["url"] == f"/status/incidents/{incident_id}"
    with make_ctx() as ctx:
        assert service.component_statuses(ctx.session, ctx.now()) == {api.id: "degraded_performance"}
        (update,) = service.public_updates_for(ctx.session, incident_id)
        assert update.author_id == alice.id


def test_publish_refuses_a_private_incident_with_one_line(make_ctx, alice, settings, clock, capsys):
    with make_ctx(actor=alice.user) as ctx:
        incident_id = declare(ctx, private=True).id

    code = main(
        ["status", "publish", str(incident_id), "--status", "investigating", "--body", "x", "--name", "n"],
        app=CliApp(settings=settings, clock=clock),
    )

    assert code == 1
    assert "private" in capsys.readouterr().err


def test_a_malformed_component_is_refused(make_ctx, alice, settings, clock, capsys):
    with make_ctx(actor=alice.user) as ctx:
        incident_id = declare(ctx).id

    code = main(
        ["status", "publish", str(incident_id), "--status", "investigating", "--body", "x", "--name", "n",
         "--component", "api=down"],
        app=CliApp(settings=settings, clock=clock),
    )  # fmt: skip

    assert code == 1
    assert "must look like 12=partial_outage" in capsys.readouterr().err

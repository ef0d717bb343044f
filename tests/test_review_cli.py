"""`warroom postmortem draft|export|publish`, `warroom actions list --overdue`, `warroom metrics --since 90d`."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from test_review_support import FILLED, T0, resolved_incident, write_sections
from warroom.cli import CliApp, main
from warroom.incidents.models import Incident
from warroom.review import service


@pytest.fixture
def run(settings, clock, capsys):
    def runner(*argv: str) -> tuple[int, str, str]:
        out = io.StringIO()
        app = CliApp(settings=settings, clock=clock, out=out)
        try:
            code = main(list(argv), app=app)
        finally:
            app.close()
        return code, out.getvalue(), capsys.readouterr().err

    return runner


def test_draft_export_and_publish(run, alice_api):
    incident = resolved_incident(alice_api, summary="Labels failed")
    code, out, _ = run("postmortem", "draft", str(incident["id"]))
    assert code == 0
    assert out.splitlines() == [
        f"post-mortem of incident {incident['id']}: draft (created)",
        "empty required sections: response, root_cause, mitigation",
        "2 timeline entries, 0 blameless-language findings",
    ]
    code, _out, err = run("postmortem", "publish", str(incident["id"]))
    assert code == 1
    assert "required sections are empty: Response" in err
    write_sections(alice_api, incident["id"])
    code, out, _ = run("postmortem", "publish", str(incident["id"]), "--as", "alice@example.com")
    assert (code, out) == (0, f"published the post-mortem of incident {incident['id']}\n")
    code, out, _ = run("postmortem", "export", str(incident["id"]))
    assert code == 0
    assert out.startswith("# Post-mortem: Labels fail\n")
    assert FILLED["root_cause"] in out
    code, out, _ = run("postmortem", "export", str(incident["id"]), "--format", "html")
    assert out.startswith("<!doctype html>")


def test_actions_list_overdue(run, alice_api, make_ctx, clock):
    incident = resolved_incident(alice_api)
    with make_ctx() as ctx:
        inc = ctx.session.get(Incident, incident["id"])
        service.create_action_item(
            ctx, inc, title="Fix pool", type="prevent", due_at=T0 - timedelta(days=1), allow_past_due=True
        )
        service.create_action_item(ctx, inc, title="Add alert", type="detect", due_at=T0 + timedelta(days=3))
    code, out, _ = run("actions", "list", "--overdue")
    assert (code, out) == (0, f"#1 [open OVERDUE] Fix pool · no owner · due 2026-02-28 · incident {incident['id']}\n")
    code, out, _ = run("actions", "list", "--json")
    assert [i["title"] for i in json.loads(out)["items"]] == ["Fix pool", "Add alert"]


def test_metrics_since_90d(run, alice_api, clock):
    resolved_incident(alice_api)
    code, out, _ = run("metrics", "--since", "90d")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "1 incidents since 2025-12-01 12:00 UTC (exercises apart)"
    assert lines[4] == "  Time to resolve              median        0 s  p90        0 s  (n=1)"
    code, out, _ = run("metrics", "--since", "90d", "--json")
    assert json.loads(out)["overall"]["time_to_resolve"] == {"count": 1, "median": 0, "p90": 0}
    code, _out, err = run("metrics", "--since", "yesterday")
    assert code == 1
    assert "not a date" in err

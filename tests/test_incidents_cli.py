from __future__ import annotations

import io
import json

import pytest

from test_incidents_support import add_service
from warroom.cli import CliApp, main


@pytest.fixture
def run(settings, clock, capsys):
    """run(*argv) → (exit code, stdout text, stderr text)."""

    def runner(*argv: str) -> tuple[int, str, str]:
        out = io.StringIO()
        app = CliApp(settings=settings, clock=clock, out=out)
        try:
            code = main(list(argv), app=app)
        finally:
            app.close()
        return code, out.getvalue(), capsys.readouterr().err

    return runner


def test_declare_prints_a_line_and_json(run, make_ctx):
    add_service(make_ctx, "WMS", tier=1)
    code, out, err = run("incident", "declare", "WMS is down", "--severity", "sev1", "--service", "WMS")
    assert (code, err) == (0, "")
    assert out == "declared #1     SEV1  investigating WMS is down\n"
    code, out, _ = run("incident", "declare", "Drill", "--severity", "SEV4", "--exercise", "--private", "--json")
    body = json.loads(out)
    assert (body["id"], body["status"], body["exercise"], body["private"]) == (2, "investigating", True, True)
    assert body["declared_by"] is None


def test_list_and_show(run, alice, clock):
    run("incident", "declare", "Picking stalls", "--severity", "SEV2", "--summary", "Hall 3")
    clock.advance(minutes=5)
    run("incident", "note", "1", "restarted scanners", "--as", "alice@example.com")
    code, out, _ = run("incident", "list")
    assert code == 0
    assert out.splitlines() == ["#1     SEV2  investigating Picking stalls", "1 of 1 incident(s)"]
    code, out, _ = run("incident", "list", "--json", "--status", "resolved")
    assert json.loads(out) == {"items": [], "total": 0, "limit": 50, "offset": 0}
    code, out, _ = run("incident", "show", "1")
    assert code == 0
    assert "Hall 3" in out
    assert "  Incident Commander   (unfilled)" in out
    assert "  2026-03-01T12:05:00+00:00  Alice (cli): restarted scanners" in out
    code, out, _ = run("incident", "show", "1", "--json")
    shown = json.loads(out)
    assert shown["incident"]["title"] == "Picking stalls"
    assert [e["kind"] for e in shown["timeline"]] == ["incident.declared", "note.added"]
    assert shown["timeline"][0]["actor"] == {"id": None, "name": "CLI"}
    assert shown["timeline"][1]["source"] == "cli"


def test_status_resolve_ack_role_and_task(run, bob):
    run("incident", "declare", "Labels", "--severity", "SEV3")
    code, out, _ = run("incident", "status", "1", "identified", "--note", "zebra driver")
    assert (code, out) == (0, "now #1     SEV3  identified    Labels\n")
    code, out, _ = run("incident", "ack", "1", "--as", "bob@example.com")
    assert out == "acknowledged #1     SEV3  identified    Labels\n"
    code, out, _ = run("incident", "ack", "1")
    assert out == "already acknowledged #1     SEV3  identified    Labels\n"
    code, out, _ = run("incident", "role", "1", "incident_commander", "bob@example.com")
    assert (code, out) == (0, "#1 Incident Commander: Bob\n")
    code, out, _ = run("incident", "role", "1", "incident_commander", "--clear")
    assert out == "#1 Incident Commander: nobody\n"
    code, out, _ = run(
        "incident", "task", "1", "Swap printer", "--assignee", "bob@example.com", "--due", "2026-03-01T13:00"
    )
    assert (code, out) == (0, "added task #1 to incident #1: Swap printer\n")
    code, out, _ = run("incident", "resolve", "1", "--json")
    body = json.loads(out)
    assert (body["status"], body["acknowledged_by"]["email"]) == ("resolved", "bob@example.com")


def test_note_backdated_with_at(run):
    run("incident", "declare", "x", "--severity", "SEV4")
    code, out, _ = run("incident", "note", "1", "deploy went out", "--at", "2026-03-01T12:30:00+01:00", "--json")
    assert code == 0
    event = json.loads(out)
    assert (event["at"], event["backdated"]) == ("2026-03-01T11:30:00+00:00", True)


def test_an_illegal_transition_prints_one_line_and_fails(run):
    run("incident", "declare", "x", "--severity", "SEV4")
    code, out, err = run("incident", "status", "1", "closed")
    assert code == 1
    assert out == ""
    expected = "incident 1 cannot move from investigating to closed; allowed next: identified, monitoring, resolved"
    assert err == f"warroom: error: {expected}\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("incident", "show", "9"), "warroom: error: incident 9 does not exist"),
        (
            ("incident", "note", "1", "x", "--at", "yesterday"),
            "warroom: error: --at 'yesterday' is not an ISO 8601 time",
        ),
        (
            ("incident", "note", "1", "x", "--at", "2030-01-01T00:00:00Z"),
            "warroom: error: occurred_at 2030-01-01T00:00:00+00:00 is in the future",
        ),
        (
            ("incident", "role", "1", "scribe", "nobody@example.com"),
            "warroom: error: no user with email nobody@example.com",
        ),
        (("incident", "role", "1", "scribe"), "warroom: error: give either an EMAIL to assign or --clear"),
        (
            ("incident", "declare", "y", "--severity", "SEV2", "--service", "ghost"),
            "warroom: error: unknown service(s): ghost",
        ),
        (("incident", "note", "1", "hi", "--as", "charlie@example.com"), "warroom: error: Charlie is a viewer"),
    ],
)
def test_bad_input_prints_one_clear_line(run, charlie, argv, message):
    run("incident", "declare", "x", "--severity", "SEV4")
    code, _out, err = run(*argv)
    assert code == 1
    assert err.startswith(message), err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_argument_errors_exit_non_zero(run):
    with pytest.raises(SystemExit) as exited:
        run("incident", "declare", "x", "--severity", "SEV9")
    assert exited.value.code == 2

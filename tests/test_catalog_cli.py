"""`warroom team|service|function …`: create, list, show, depend, delete; JSON output; one-line errors."""

from __future__ import annotations

import json

import pytest

from warroom.cli import CliApp, main


@pytest.fixture
def cli(settings, clock, db, capsys):
    """Run `warroom ARGS` in-process against the test database; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args), app=CliApp(settings=settings, clock=clock, _db=db))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def warehouse(cli, bob):
    assert (
        cli("team", "create", "Warehouse Platform", "--description", "Owns the WMS", "--member", "bob@example.com")[0]
        == 0
    )
    assert cli("service", "create", "inventory-db", "--tier", "1", "--team", "warehouse platform")[0] == 0
    code, out, err = cli(
        "service", "create", "wms", "--tier", "1", "--team", "Warehouse Platform", "--depends-on", "inventory-db",
        "--runbook", "https://wiki.example.com/rb/wms", "--public", "--description", "Warehouse Management System",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith("created service wms (id ")
    assert cli("service", "create", "picking", "--tier", "2", "--depends-on", "wms")[0] == 0
    assert cli("function", "create", "Order picking", "--service", "picking", "--description", "Pick orders")[0] == 0


def _one_line_error(result, expected_start):
    code, out, err = result
    assert code == 1
    assert out == ""
    assert err.startswith(f"warroom: error: {expected_start}")
    assert err.count("\n") == 1


def test_service_list_json_has_every_service_with_its_graph(cli, warehouse):
    code, out, err = cli("service", "list", "--json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert [(r["name"], r["tier"]) for r in rows] == [("inventory-db", 1), ("wms", 1), ("picking", 2)]
    wms = rows[1]
    assert wms["team"]["name"] == "Warehouse Platform"
    assert (wms["public"], wms["runbook_url"]) == (True, "https://wiki.example.com/rb/wms")
    assert [d["name"] for d in wms["depends_on"]] == ["inventory-db"]
    assert [d["name"] for d in wms["dependents"]] == ["picking"]


def test_service_list_prints_a_table(cli, warehouse):
    code, out, _err = cli("service", "list", "--tier", "2")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1
    assert "tier 2  picking" in lines[0]
    assert "(no team)" in lines[0]
    assert lines[0].endswith("needs 1, needed by 0")


def test_service_show_json_includes_the_blast_radius(cli, warehouse):
    code, out, _err = cli("service", "show", "INVENTORY-DB", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["name"] == "inventory-db"
    radius = shown["blast_radius"]
    assert [(s["name"], s["hops"]) for s in radius["services"]] == [("wms", 1), ("picking", 2)]
    assert [(f["name"], f["via"]) for f in radius["business_functions"]] == [("Order picking", ["picking"])]


def test_service_show_in_text_explains_what_fails(cli, warehouse):
    code, out, _err = cli("service", "show", "inventory-db")
    assert code == 0
    assert "  tier:        1 · Mission critical\n" in out
    assert "  if it fails: 2 service(s), 1 business function(s)\n" in out
    assert "    picking (2 hops: picking → wms → inventory-db)\n" in out
    assert "    function Order picking (via picking)\n" in out


def test_depend_adds_and_removes_and_refuses_cycles(cli, warehouse):
    code, out, _err = cli("service", "depend", "picking", "--on", "inventory-db")
    assert (code, out) == (0, "picking now depends on: inventory-db, wms\n")
    code, out, _err = cli("service", "depend", "picking", "--on", "wms", "--remove")
    assert (code, out) == (0, "picking now depends on: inventory-db\n")
    _one_line_error(
        cli("service", "depend", "inventory-db", "--on", "wms"),
        "adding inventory-db → wms would create a cycle: wms → inventory-db → wms;",
    )


def test_update_changes_tier_team_and_visibility(cli, warehouse):
    code, out, _err = cli("service", "update", "picking", "--tier", "1", "--team", "Warehouse Platform", "--public")
    assert (code, out.startswith("updated service picking")) == (0, True)
    shown = json.loads(cli("service", "show", "picking", "--json")[1])
    assert (shown["tier"], shown["team"]["name"], shown["public"]) == (1, "Warehouse Platform", True)
    cli("service", "update", "picking", "--team", "", "--private")
    shown = json.loads(cli("service", "show", "picking", "--json")[1])
    assert (shown["team"], shown["public"]) == (None, False)


def test_errors_are_one_clear_line(cli, warehouse):
    _one_line_error(cli("service", "create", "wms", "--tier", "2"), "a service named 'wms' already exists")
    _one_line_error(cli("service", "create", "x", "--tier", "7"), "tier must be 1, 2, 3 or 4")
    _one_line_error(
        cli("service", "create", "x", "--tier", "1", "--team", "Nobody"), "no team with id or name 'Nobody'"
    )
    _one_line_error(cli("service", "create", "x", "--tier", "1", "--runbook", "file:///etc/passwd"), "runbook URL")
    _one_line_error(cli("service", "show", "ghost"), "no service with id or name 'ghost'")
    _one_line_error(cli("team", "delete", "Warehouse Platform"), "team 'Warehouse Platform' owns 2 service(s)")
    _one_line_error(cli("function", "create", "Returns", "--service", "ghost"), "unknown service(s): ghost")


def test_service_delete(cli, warehouse):
    code, out, _err = cli("service", "delete", "picking")
    assert (code, out) == (0, "deleted service picking\n")
    assert [r["name"] for r in json.loads(cli("service", "list", "--json")[1])] == ["inventory-db", "wms"]


def test_team_list_and_show(cli, warehouse):
    code, out, _err = cli("team", "list", "--json")
    teams = json.loads(out)
    assert code == 0
    assert [(t["name"], [m["email"] for m in t["members"]], len(t["services"])) for t in teams] == [
        ("Warehouse Platform", ["bob@example.com"], 2)
    ]
    code, out, _err = cli("team", "show", "warehouse platform")
    assert out.splitlines() == [
        f"Warehouse Platform (id {teams[0]['id']})",
        "  Owns the WMS",
        "  members:  Bob <bob@example.com>",
        "  services: inventory-db, wms",
    ]


def test_team_members_can_be_added_and_removed(cli, warehouse, charlie):
    assert cli("team", "add-member", "Warehouse Platform", "charlie@example.com")[1] == (
        "charlie@example.com is a member of Warehouse Platform\n"
    )
    assert cli("team", "remove-member", "Warehouse Platform", "bob@example.com")[0] == 0
    members = json.loads(cli("team", "show", "Warehouse Platform", "--json")[1])["members"]
    assert [m["email"] for m in members] == ["charlie@example.com"]


def test_function_list_and_show(cli, warehouse):
    code, out, _err = cli("function", "list", "--json")
    rows = json.loads(out)
    assert code == 0
    assert [
        (f["name"], [s["name"] for s in f["services"]], [s["name"] for s in f["indirect_services"]]) for f in rows
    ] == [("Order picking", ["picking"], ["wms", "inventory-db"])]
    code, out, _err = cli("function", "show", "order picking")
    assert "  also needs:  wms, inventory-db\n" in out
    assert cli("function", "delete", "Order picking")[1] == "deleted business function Order picking\n"
    assert cli("function", "list")[1].startswith("no business functions yet")


def test_empty_catalog_lists_say_what_to_do(cli):
    assert cli("service", "list")[1] == "no services yet\n"
    assert cli("team", "list")[1] == 'no teams yet; create one with: warroom team create "Team name"\n'
    assert json.loads(cli("service", "list", "--json")[1]) == []

"""`warroom team …`, `warroom service …` and `warroom function …`: the catalog from a shell."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from warroom.auth import service as auth_service
from warroom.catalog import service as catalog
from warroom.catalog.common import UNSET
from warroom.catalog.schemas import BlastRadiusOut, FunctionOut, ServiceOut, TeamOut

if TYPE_CHECKING:
    from warroom.cli import CliApp

    # Only a type: argparse's class is not subscriptable at run time on Python 3.11.
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    """Add this domain's subcommands."""
    _register_teams(sub)
    _register_services(sub)
    _register_functions(sub)


def _add(group: SubParsers, name: str, help_text: str, handler: Any, *, json: bool = False) -> argparse.ArgumentParser:
    parser = group.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    if json:
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _register_teams(sub: SubParsers) -> None:
    teams = sub.add_parser("team", help="manage teams (who owns services)")
    group = teams.add_subparsers(dest="team_command", required=True, metavar="ACTION")
    create = _add(group, "create", "create a team", cmd_team_create)
    create.add_argument("name")
    create.add_argument("--description", default="")
    create.add_argument("--member", action="extend", nargs="+", default=[], metavar="EMAIL", help="add members")
    _add(group, "list", "list teams", cmd_team_list, json=True)
    _add(group, "show", "show a team, its members and services", cmd_team_show, json=True).add_argument("team")
    _add(group, "delete", "delete a team that owns no services", cmd_team_delete).add_argument("team")
    for verb, handler in (("add-member", cmd_team_add_member), ("remove-member", cmd_team_remove_member)):
        parser = _add(group, verb, f"{verb.split('-')[0]} a team member", handler)
        parser.add_argument("team")
        parser.add_argument("email")


def _register_services(sub: SubParsers) -> None:
    services = sub.add_parser("service", help="manage services, their tiers and dependencies")
    group = services.add_subparsers(dest="service_command", required=True, metavar="ACTION")
    create = _add(group, "create", "create a service", cmd_service_create)
    create.add_argument("name")
    create.add_argument("--tier", type=int, required=True, help="1 mission critical, 2 business critical, 3, 4 low")
    create.add_argument("--team", help="owning team (name or id)")
    create.add_argument("--depends-on", action="extend", nargs="+", default=[], metavar="SERVICE")
    create.add_argument("--runbook", help="http(s) link to the runbook")
    create.add_argument("--public", action="store_true", help="may appear on the public status page")
    create.add_argument("--description", default="")
    listing = _add(group, "list", "list services, most critical first", cmd_service_list, json=True)
    listing.add_argument("--tier", type=int)
    listing.add_argument("--team")
    listing.add_argument("--search")
    _add(group, "show", "show a service and its blast radius", cmd_service_show, json=True).add_argument("service")
    update = _add(group, "update", "change a service", cmd_service_update)
    update.add_argument("service")
    update.add_argument("--name")
    update.add_argument("--tier", type=int)
    update.add_argument("--team", help="owning team (name or id); --team '' removes it")
    update.add_argument("--runbook", help="http(s) link; --runbook '' removes it")
    update.add_argument("--description")
    visibility = update.add_mutually_exclusive_group()
    visibility.add_argument("--public", dest="public", action="store_true", default=None)
    visibility.add_argument("--private", dest="public", action="store_false")
    depend = _add(
        group, "depend", "record (or with --remove, drop) that SERVICE depends on another", cmd_service_depend
    )
    depend.add_argument("service")
    depend.add_argument("--on", required=True, dest="other", metavar="OTHER")
    depend.add_argument("--remove", action="store_true")
    _add(group, "delete", "delete a service no incident refers to", cmd_service_delete).add_argument("service")


def _register_functions(sub: SubParsers) -> None:
    functions = sub.add_parser("function", help="manage business functions and the services they need")
    group = functions.add_subparsers(dest="function_command", required=True, metavar="ACTION")
    create = _add(group, "create", "create a business function", cmd_function_create)
    create.add_argument("name")
    create.add_argument("--service", action="extend", nargs="+", default=[], metavar="SERVICE")
    create.add_argument("--description", default="")
    _add(group, "list", "list business functions", cmd_function_list, json=True)
    _add(group, "show", "show a business function", cmd_function_show, json=True).add_argument("function")
    _add(group, "delete", "delete a business function", cmd_function_delete).add_argument("function")


def _names(rows: list[Any]) -> str:
    return ", ".join(str(r.name) for r in rows) or "—"


# --- teams ----------------------------------------------------------------------------------------------


def cmd_team_create(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        members = [auth_service.find_user(ctx, email).id for email in args.member]
        team = catalog.create_team(ctx, name=args.name, description=args.description, member_ids=members)
        app.print(f"created team {team.name} (id {team.id})")
    return 0


def cmd_team_list(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        infos = catalog.describe_teams(ctx, catalog.all_teams(ctx))
        rows = [TeamOut.of(info).model_dump(mode="json") for info in infos]
    if args.json:
        app.print_json(rows)
        return 0
    if not rows:
        app.print('no teams yet; create one with: warroom team create "Team name"')
    for row in rows:
        app.print(
            f"{row['id']:>4}  {row['name']:30} {len(row['members']):>3} members  {len(row['services']):>3} services"
        )
    return 0


def cmd_team_show(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        info = catalog.describe_teams(ctx, [catalog.find_team(ctx, args.team)])[0]
        out = TeamOut.of(info)
    if args.json:
        app.print_json(out.model_dump(mode="json"))
        return 0
    app.print(f"{out.name} (id {out.id})")
    if out.description:
        app.print(f"  {out.description}")
    app.print(f"  members:  {', '.join(f'{m.name} <{m.email}>' for m in out.members) or '—'}")
    app.print(f"  services: {_names(out.services)}")
    return 0


def cmd_team_delete(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        team = catalog.find_team(ctx, args.team)
        name = team.name
        catalog.delete_team(ctx, team=team)
    app.print(f"deleted team {name}")
    return 0


def cmd_team_add_member(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        team = catalog.find_team(ctx, args.team)
        user = auth_service.find_user(ctx, args.email)
        catalog.add_team_member(ctx, team=team, user_id=user.id)
        app.print(f"{user.email} is a member of {team.name}")
    return 0


def cmd_team_remove_member(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        team = catalog.find_team(ctx, args.team)
        user = auth_service.find_user(ctx, args.email)
        catalog.remove_team_member(ctx, team=team, user_id=user.id)
        app.print(f"{user.email} is no longer a member of {team.name}")
    return 0


# --- services -------------------------------------------------------------------------------------------


def cmd_service_create(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        service = catalog.create_service(
            ctx,
            name=args.name,
            tier=args.tier,
            description=args.description,
            team=args.team,
            runbook_url=args.runbook,
            public=args.public,
            depends_on=args.depends_on,
        )
        app.print(f"created service {service.name} (id {service.id}, tier {service.tier})")
    return 0


def cmd_service_list(args: argparse.Namespace, app: CliApp) -> int:
    from warroom.lib.pagination import PageRequest

    with app.ctx() as ctx:
        rows: list[Any] = []
        offset = 0
        while True:  # every page: a shell listing should not stop at 200
            page, total = catalog.list_services(
                ctx, tier=args.tier, team=args.team, q=args.search, page=PageRequest(limit=200, offset=offset)
            )
            rows += [ServiceOut.of(info).model_dump(mode="json") for info in catalog.describe_services(ctx, page)]
            offset += 200
            if offset >= total:
                break
    if args.json:
        app.print_json(rows)
        return 0
    if not rows:
        app.print("no services match" if (args.tier or args.team or args.search) else "no services yet")
    for row in rows:
        team = row["team"]["name"] if row["team"] else "(no team)"
        visibility = "public" if row["public"] else "private"
        app.print(
            f"{row['id']:>4}  tier {row['tier']}  {row['name']:28} {team:24} {visibility:8}"
            f" needs {len(row['depends_on'])}, needed by {len(row['dependents'])}"
        )
    return 0


def cmd_service_show(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        service = catalog.find_service(ctx, args.service)
        out = ServiceOut.of(catalog.describe_services(ctx, [service])[0])
        radius = BlastRadiusOut.of(catalog.blast_radius(ctx, [service.id]))
    if args.json:
        app.print_json({**out.model_dump(mode="json"), "blast_radius": radius.model_dump(mode="json")})
        return 0
    app.print(f"{out.name} (id {out.id})")
    if out.description:
        app.print(f"  {out.description}")
    app.print(f"  tier:        {out.tier} · {out.tier_name}")
    app.print(f"  team:        {out.team.name if out.team else '— (no owning team)'}")
    app.print(f"  visibility:  {'public' if out.public else 'private'}")
    app.print(f"  runbook:     {out.runbook_url or '—'}")
    app.print(f"  depends on:  {_names(out.depends_on)}")
    app.print(f"  needed by:   {_names(out.dependents)}")
    app.print(f"  functions:   {_names(out.business_functions)}")
    app.print(
        f"  if it fails: {len(radius.services)} service(s), {len(radius.business_functions)} business function(s)"
    )
    for reached in radius.services:
        app.print(
            f"    {reached.name} ({reached.hops} hop{'s' if reached.hops > 1 else ''}: {' → '.join(reached.path)})"
        )
    for function in radius.business_functions:
        app.print(f"    function {function.name} (via {', '.join(function.via)})")
    return 0


def cmd_service_update(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        service = catalog.update_service(
            ctx,
            service=catalog.find_service(ctx, args.service),
            name=UNSET if args.name is None else args.name,
            tier=UNSET if args.tier is None else args.tier,
            description=UNSET if args.description is None else args.description,
            team=UNSET if args.team is None else (args.team or None),
            runbook_url=UNSET if args.runbook is None else (args.runbook or None),
            public=UNSET if args.public is None else args.public,
        )
        app.print(f"updated service {service.name} (id {service.id})")
    return 0


def cmd_service_depend(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        service = catalog.find_service(ctx, args.service)
        if args.remove:
            now = catalog.remove_dependency(ctx, service=service, depends_on=args.other)
        else:
            now = catalog.add_dependency(ctx, service=service, depends_on=args.other)
        app.print(f"{service.name} now depends on: {_names(now)}")
    return 0


def cmd_service_delete(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        service = catalog.find_service(ctx, args.service)
        name = service.name
        catalog.delete_service(ctx, service=service)
    app.print(f"deleted service {name}")
    return 0


# --- business functions ---------------------------------------------------------------------------------


def cmd_function_create(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        function = catalog.create_function(ctx, name=args.name, description=args.description, services=args.service)
        app.print(f"created business function {function.name} (id {function.id})")
    return 0


def cmd_function_list(args: argparse.Namespace, app: CliApp) -> int:
    from warroom.lib.pagination import PageRequest

    with app.ctx() as ctx:
        functions, _total = catalog.list_functions(ctx, page=PageRequest(limit=10_000))
        rows = [FunctionOut.of(info).model_dump(mode="json") for info in catalog.describe_functions(ctx, functions)]
    if args.json:
        app.print_json(rows)
        return 0
    if not rows:
        app.print('no business functions yet; create one with: warroom function create "Order picking" --service S')
    for row in rows:
        app.print(f"{row['id']:>4}  {row['name']:30} uses {', '.join(s['name'] for s in row['services']) or '—'}")
    return 0


def cmd_function_show(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        function = catalog.find_function(ctx, args.function)
        out = FunctionOut.of(catalog.describe_functions(ctx, [function])[0])
    if args.json:
        app.print_json(out.model_dump(mode="json"))
        return 0
    app.print(f"{out.name} (id {out.id})")
    if out.description:
        app.print(f"  {out.description}")
    app.print(f"  uses:        {_names(out.services)}")
    app.print(f"  also needs:  {_names(out.indirect_services)}")
    return 0


def cmd_function_delete(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        function = catalog.find_function(ctx, args.function)
        name = function.name
        catalog.delete_function(ctx, function=function)
    app.print(f"deleted business function {name}")
    return 0

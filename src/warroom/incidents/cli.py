"""`warroom incident …`: declare and work incidents from a terminal. --json prints the API's shapes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from warroom.auth import service as auth_service
from warroom.context import Ctx
from warroom.errors import Forbidden
from warroom.incidents import present, service
from warroom.incidents.models import ROLES, SEVERITIES, STATUSES, Incident
from warroom.lib.pagination import MAX_LIMIT

if TYPE_CHECKING:
    from warroom.cli import CliApp


def _common(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--as", dest="actor", metavar="EMAIL", help="act as this user (default: the CLI itself)")
    parser.add_argument("--json", action="store_true", help="print the API's JSON shape")
    return parser


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `warroom incident …`."""
    incident = sub.add_parser("incident", help="declare and work incidents")
    verbs = incident.add_subparsers(dest="incident_command", metavar="VERB", required=True)

    def verb(name: str, help_text: str, handler: Callable[[argparse.Namespace, CliApp], int]) -> Any:
        parser = _common(verbs.add_parser(name, help=help_text))
        parser.set_defaults(handler=handler)
        return parser

    declare = verb("declare", "declare an incident", cmd_declare)
    declare.add_argument("title")
    declare.add_argument("--severity", required=True, type=str.upper, choices=list(SEVERITIES))
    declare.add_argument("--summary", default="")
    declare.add_argument("--service", action="append", default=[], metavar="NAME_OR_ID", help="repeat for several")
    declare.add_argument("--private", action="store_true", help="visible only to admins and people involved")
    declare.add_argument("--exercise", action="store_true", help="a drill, not a real incident")
    declare.add_argument("--commander", metavar="EMAIL", help="Incident Commander")

    listing = verb("list", "list incidents, newest first", cmd_list)
    listing.add_argument("--status", action="append", choices=STATUSES, help="repeat for several")
    listing.add_argument("--severity", action="append", type=str.upper, choices=list(SEVERITIES))
    listing.add_argument("--query", "-q", help="text in the title or summary")
    listing.add_argument("--limit", type=int, default=50, help=f"1–{MAX_LIMIT}")
    listing.add_argument("--offset", type=int, default=0)

    verb("show", "an incident with its roles, tasks and timeline", cmd_show).add_argument("id", type=int)

    note = verb("note", "add a note to the timeline", cmd_note)
    note.add_argument("id", type=int)
    note.add_argument("body")
    note.add_argument("--at", metavar="ISO", help="when it happened (backdate), e.g. 2026-03-01T11:30:00+01:00")

    status = verb("status", "change the status", cmd_status)
    status.add_argument("id", type=int)
    status.add_argument("status", type=str.lower, choices=STATUSES)
    status.add_argument("--note")

    resolve = verb("resolve", "mark the incident resolved", cmd_resolve)
    resolve.add_argument("id", type=int)
    resolve.add_argument("--note")

    verb("ack", "acknowledge the incident", cmd_ack).add_argument("id", type=int)

    role = verb("role", "assign a role (Technical Lead gains a holder), or --clear it", cmd_role)
    role.add_argument("id", type=int)
    role.add_argument("role", choices=list(ROLES))
    role.add_argument("email", nargs="?", help="the new holder")
    role.add_argument("--clear", action="store_true", help="remove every holder of the role")

    task = verb("task", "add a task", cmd_task)
    task.add_argument("id", type=int)
    task.add_argument("title")
    task.add_argument("--assignee", metavar="EMAIL")
    task.add_argument("--due", metavar="ISO", help="due time, e.g. 2026-03-01T15:00:00Z")


def _fail(message: str) -> Exception:
    from warroom.cli import CliError

    return CliError(message)


def _instant(value: str, option: str) -> datetime:
    """An ISO 8601 time; without a zone it is taken as UTC (as in the API)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _fail(f"{option} {value!r} is not an ISO 8601 time; use e.g. 2026-03-01T11:30:00+01:00") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _writer(ctx: Ctx) -> None:
    # The CLI itself may do anything; a person acting through --as keeps their own role's limits.
    if ctx.actor.user_id is not None and auth_service.role_rank(ctx.actor.role) < auth_service.role_rank("responder"):
        raise Forbidden(f"{ctx.actor.name} is a {ctx.actor.role}; changing incidents needs the responder role")


def _user_id(ctx: Ctx, email: str) -> int:
    return auth_service.find_user(ctx, email).id


def _line(incident: Incident) -> str:
    flags = "".join(
        f" [{flag}]" for flag, on in (("private", incident.is_private), ("exercise", incident.is_exercise)) if on
    )
    return f"#{incident.id:<5} {incident.severity}  {incident.status:<13} {incident.title}{flags}"


def _print_incident(args: argparse.Namespace, app: CliApp, ctx: Ctx, incident: Incident, verb: str) -> None:
    if args.json:
        app.print_json(present.incident_out(ctx, incident).model_dump(mode="json"))
    else:
        app.print(f"{verb} {_line(incident)}")


def cmd_declare(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        _writer(ctx)
        incident = service.declare_incident(
            ctx,
            title=args.title,
            severity=args.severity,
            summary=args.summary,
            services=args.service,
            private=args.private,
            exercise=args.exercise,
            commander_id=_user_id(ctx, args.commander) if args.commander else None,
        )
        _print_incident(args, app, ctx, incident, "declared")
    return 0


def cmd_list(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        incidents, total = service.list_incidents(
            ctx, statuses=args.status, severities=args.severity, query=args.query, limit=args.limit, offset=args.offset
        )
        if args.json:
            items = [present.incident_out(ctx, i).model_dump(mode="json") for i in incidents]
            app.print_json({"items": items, "total": total, "limit": args.limit, "offset": args.offset})
            return 0
        for incident in incidents:
            app.print(_line(incident))
        app.print(f"{len(incidents)} of {total} incident(s)")
    return 0


def cmd_show(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        incident = service.get_incident(ctx, args.id)
        out = present.incident_out(ctx, incident)
        events = [present.event_out(e) for e in service.timeline(ctx, incident)]
        tasks = [present.task_out(ctx, t) for t in service.list_tasks(ctx, incident)]
        if args.json:
            app.print_json(
                {
                    "incident": out.model_dump(mode="json"),
                    "timeline": [e.model_dump(mode="json") for e in events],
                    "tasks": [t.model_dump(mode="json") for t in tasks],
                }
            )
            return 0
    app.print(_line(incident))
    if out.summary:
        app.print(out.summary)
    app.print(f"declared {out.declared_at.isoformat()}  detected {out.detected_at.isoformat()}")
    if out.needs_commander:
        app.print(
            "!! SEV1 without an Incident Commander: assign one with `warroom incident role ID incident_commander EMAIL`"
        )
    app.print("roles:")
    for role, label in ROLES.items():
        holders = ", ".join(f"{u.name} <{u.email}>" for u in out.roles[role]) or "(unfilled)"
        app.print(f"  {label:<20} {holders}")
    if out.services:
        app.print("services: " + ", ".join(s.name for s in out.services))
    if tasks:
        app.print("tasks:")
        for t in tasks:
            who = f" → {t.assignee.name}" if t.assignee else ""
            app.print(f"  [{t.status}] #{t.id} {t.title}{who}")
    app.print("timeline:")
    for e in events:
        app.print(f"  {e.at.isoformat()}  {e.actor.name} ({e.source}): {e.text}")
    return 0


def cmd_note(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        _writer(ctx)
        incident = service.get_incident(ctx, args.id)
        at = _instant(args.at, "--at") if args.at else None
        event = service.add_note(ctx, incident, body=args.body, occurred_at=at)
        if args.json:
            app.print_json(present.event_out(event).model_dump(mode="json"))
        else:
            app.print(f"noted on #{incident.id} at {event.occurred_at.isoformat()} (event {event.id})")
    return 0


def _status(args: argparse.Namespace, app: CliApp, status: str) -> int:
    with app.ctx(args.actor) as ctx:
        _writer(ctx)
        incident = service.change_status(ctx, service.get_incident(ctx, args.id), status=status, note=args.note)
        _print_incident(args, app, ctx, incident, "now")
    return 0


def cmd_status(args: argparse.Namespace, app: CliApp) -> int:
    return _status(args, app, args.status)


def cmd_resolve(args: argparse.Namespace, app: CliApp) -> int:
    return _status(args, app, "resolved")


def cmd_ack(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        _writer(ctx)
        incident = service.get_incident(ctx, args.id)
        fresh = service.acknowledge(ctx, incident)
        _print_incident(args, app, ctx, incident, "acknowledged" if fresh else "already acknowledged")
    return 0


def cmd_role(args: argparse.Namespace, app: CliApp) -> int:
    if args.clear == bool(args.email):
        raise _fail("give either an EMAIL to assign or --clear, not both or neither")
    with app.ctx(args.actor) as ctx:
        _writer(ctx)
        incident = service.get_incident(ctx, args.id)
        user_id = None if args.clear else _user_id(ctx, args.email)
        service.assign_role(ctx, incident, role=args.role, user_id=user_id)
        if args.json:
            app.print_json(present.incident_out(ctx, incident).model_dump(mode="json"))
        else:
            holders = ", ".join(u.name for u in service.current_roles(ctx, incident)[args.role]) or "nobody"
            app.print(f"#{incident.id} {ROLES[args.role]}: {holders}")
    return 0


def cmd_task(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        _writer(ctx)
        incident = service.get_incident(ctx, args.id)
        assignee = _user_id(ctx, args.assignee) if args.assignee else None
        due = _instant(args.due, "--due") if args.due else None
        task = service.add_task(ctx, incident, title=args.title, assignee_id=assignee, due_at=due)
        if args.json:
            app.print_json(present.task_out(ctx, task).model_dump(mode="json"))
        else:
            app.print(f"added task #{task.id} to incident #{incident.id}: {task.title}")
    return 0

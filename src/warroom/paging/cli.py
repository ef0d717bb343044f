"""`warroom policy …` and `warroom escalation …`: read policies, see and steer an incident's escalation."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from warroom.auth import service as auth_service
from warroom.context import Ctx
from warroom.errors import Forbidden
from warroom.incidents import service as incidents
from warroom.incidents.models import ROLES
from warroom.paging import present, service
from warroom.paging.schemas import EscalationOut

if TYPE_CHECKING:
    from warroom.cli import CliApp


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `warroom policy …` and `warroom escalation …`."""
    policy = sub.add_parser("policy", help="escalation policies").add_subparsers(
        dest="policy_command", metavar="VERB", required=True
    )
    listing = policy.add_parser("list", help="list escalation policies")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_policy_list)

    escalation = sub.add_parser("escalation", help="an incident's escalation: show, escalate, reassign, page")
    verbs = escalation.add_subparsers(dest="escalation_command", metavar="VERB", required=True)

    def verb(name: str, help_text: str, handler: Callable[[argparse.Namespace, CliApp], int]) -> Any:
        parser = verbs.add_parser(name, help=help_text)
        parser.add_argument("id", type=int, metavar="INCIDENT")
        parser.add_argument("--as", dest="actor", metavar="EMAIL", help="act as this user (default: the CLI itself)")
        parser.add_argument("--json", action="store_true", help="print the API's JSON shape")
        parser.set_defaults(handler=handler)
        return parser

    verb("show", "state, next step and paging history", cmd_show)
    verb("escalate", "page the next rule now", cmd_escalate)
    reassign = verb("reassign", "replace the escalation: to a user or another policy", cmd_reassign)
    target = reassign.add_mutually_exclusive_group(required=True)
    target.add_argument("--user", metavar="EMAIL")
    target.add_argument("--policy", type=int, metavar="POLICY_ID")
    role = verb("page-role", "page whoever holds an incident role (or a schedule's on-call for it)", cmd_page_role)
    role.add_argument("role", choices=list(ROLES))
    role.add_argument("--schedule", type=int, metavar="SCHEDULE_ID")
    responder = verb("add-responder", "page a user or a schedule's on-call once", cmd_add_responder)
    who = responder.add_mutually_exclusive_group(required=True)
    who.add_argument("--user", metavar="EMAIL")
    who.add_argument("--schedule", type=int, metavar="SCHEDULE_ID")


def _writer(ctx: Ctx) -> None:
    # The CLI itself may do anything; a person acting through --as keeps their own role's limits.
    if ctx.actor.user_id is not None and auth_service.role_rank(ctx.actor.role) < auth_service.role_rank("responder"):
        raise Forbidden(f"{ctx.actor.name} is a {ctx.actor.role}; paging needs the responder role")


def _print_escalation(args: argparse.Namespace, app: CliApp, out: EscalationOut) -> None:
    if args.json:
        app.print_json(out.model_dump(mode="json"))
        return
    if out.state == "none":
        app.print(f"incident #{out.incident_id} has no escalation (its services have no escalation policy)")
        return
    line = f"incident #{out.incident_id}: {out.state}, policy {out.policy_name!r}, {out.urgency} urgency"
    if out.next_step_at is not None:
        line += f"; next: rule {out.rule} (loop {out.loop}) at {out.next_step_at.isoformat()}"
        if out.next_rule_targets:
            line += f" → {out.next_rule_targets}"
    app.print(line)
    for entry in out.history:
        app.print(f"  {entry.occurred_at.isoformat()}  {entry.summary}")


def cmd_policy_list(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        found, _total = service.list_policies(ctx, limit=200)
        rows = [present.policy_out(ctx, p) for p in found]
    if args.json:
        app.print_json({"items": [r.model_dump(mode="json") for r in rows], "total": len(rows)})
        return 0
    if not rows:
        app.print("no escalation policies; create one with POST /api/v1/escalation-policies or at /paging/policies")
    for row in rows:
        services = ", ".join(s.name for s in row.services) or "no services"
        app.print(f"{row.id:>4}  {row.name}  ({len(row.rules)} rule(s), repeats {row.repeat_count}; {services})")
    return 0


def cmd_show(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        out = present.escalation_out(ctx, incidents.get_incident(ctx, args.id))
    _print_escalation(args, app, out)
    return 0


def _act(args: argparse.Namespace, app: CliApp, action: Callable[[Ctx, Any], object]) -> int:
    with app.ctx(args.actor) as ctx:
        _writer(ctx)
        incident = incidents.get_incident(ctx, args.id)
        action(ctx, incident)
        out = present.escalation_out(ctx, incident)
    _print_escalation(args, app, out)
    return 0


def cmd_escalate(args: argparse.Namespace, app: CliApp) -> int:
    return _act(args, app, service.escalate_now)


def cmd_reassign(args: argparse.Namespace, app: CliApp) -> int:
    def action(ctx: Ctx, incident: Any) -> object:
        user_id = auth_service.find_user(ctx, args.user).id if args.user else None
        return service.reassign(ctx, incident, user_id=user_id, policy_id=args.policy)

    return _act(args, app, action)


def cmd_page_role(args: argparse.Namespace, app: CliApp) -> int:
    return _act(
        args, app, lambda ctx, incident: service.page_role(ctx, incident, role=args.role, schedule_id=args.schedule)
    )


def cmd_add_responder(args: argparse.Namespace, app: CliApp) -> int:
    def action(ctx: Ctx, incident: Any) -> object:
        user_id = auth_service.find_user(ctx, args.user).id if args.user else None
        return service.add_responder(ctx, incident, user_id=user_id, schedule_id=args.schedule)

    return _act(args, app, action)

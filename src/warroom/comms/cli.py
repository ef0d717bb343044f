"""Comms commands: `warroom subscribers list|remove`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from warroom.comms import service as comms
from warroom.comms.subscribers import SUBSCRIBER_FILTERS

if TYPE_CHECKING:
    from warroom.cli import CliApp


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this domain's subcommands."""
    subscribers = sub.add_parser("subscribers", help="public status page subscribers").add_subparsers(
        dest="subscribers_command", required=True
    )
    listing = subscribers.add_parser("list", help="list subscribers, newest first, with their state")
    listing.add_argument("--state", choices=SUBSCRIBER_FILTERS, default="all")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)
    remove = subscribers.add_parser("remove", help="delete every subscriber with this email address")
    remove.add_argument("email")
    remove.set_defaults(handler=cmd_remove)


def cmd_list(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        rows: list[dict[str, Any]] = [
            {
                "id": s.id,
                "kind": s.kind,
                "target": s.email or s.webhook_url,
                "state": comms.subscriber_state(s),
                "components": list(s.component_ids or []),
                "hard_failures": comms.hard_failures(ctx, s),
                "created_at": s.created_at.isoformat(),
            }
            for s in comms.list_subscribers(ctx, state=args.state)
        ]
        smtp_on = ctx.settings.smtp_configured
    if args.json:
        app.print_json({"items": rows, "total": len(rows), "smtp_configured": smtp_on})
        return 0
    if not smtp_on:
        app.print("warning: SMTP is not configured; email subscribers get nothing (set WARROOM_SMTP_HOST)")
    if not rows:
        app.print("no subscribers" + ("" if args.state == "all" else f" in state {args.state}"))
        return 0
    for row in rows:
        components = ",".join(map(str, row["components"])) or "all"
        app.print(
            f"#{row['id']:<5} {row['kind']:<8} {row['state']:<12} failures={row['hard_failures']} "
            f"components={components}  {row['target']}"
        )
    return 0


def cmd_remove(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        removed = comms.remove_by_email(ctx, args.email)
    app.print(f"removed {removed} subscriber{'s' if removed != 1 else ''} with address {args.email.strip().lower()}")
    return 0

"""Intake commands: `warroom alert list [--service] [--status] [--label name=value] [--json]`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from warroom.catalog import service as catalog
from warroom.intake import service
from warroom.intake.schemas import AlertOut
from warroom.lib.pagination import MAX_LIMIT, PageRequest

if TYPE_CHECKING:
    from warroom.cli import CliApp


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this domain's subcommands."""
    alerts = sub.add_parser("alert", help="list received alerts")
    group = alerts.add_subparsers(dest="alert_command", required=True, metavar="ACTION")
    listing = group.add_parser("list", help="list alerts, newest first", description="list alerts, newest first")
    listing.set_defaults(handler=cmd_alert_list)
    listing.add_argument("--service", help="service name or id")
    listing.add_argument("--status", choices=("firing", "resolved"))
    listing.add_argument("--label", action="append", default=[], metavar="NAME=VALUE", help="exact label value")
    listing.add_argument("--limit", type=int, default=50, help=f"at most this many (1 to {MAX_LIMIT})")
    listing.add_argument("--json", action="store_true", help="print JSON instead of text")


def cmd_alert_list(args: argparse.Namespace, app: CliApp) -> int:
    from warroom.cli import CliError

    if not 1 <= args.limit <= MAX_LIMIT:
        raise CliError(f"--limit must be between 1 and {MAX_LIMIT}")
    with app.ctx() as ctx:
        service_id = catalog.find_service(ctx, args.service).id if args.service else None
        rows, total = service.list_alerts(
            ctx, service_id=service_id, status=args.status, labels=args.label, page=PageRequest(limit=args.limit)
        )
        names = {s.id: s.name for s in catalog.all_services(ctx)}
        out = [AlertOut.of(a).model_dump(mode="json") for a in rows]
    if args.json:
        app.print_json({"items": out, "total": total})
        return 0
    if not out:
        app.print("no alerts match; connect a sender on a service's integrations page (/services/ID/integrations)")
    for row in out:
        mark = "FIRING  " if row["status"] == "firing" else "resolved"
        held = f" [{row['suppressed_reason']}]" if row["suppressed_reason"] else ""
        incident = f" incident #{row['incident_id']}" if row["incident_id"] else ""
        service_name = names.get(row["service_id"], "?")
        app.print(f"{row['id']:>6}  {mark} {row['severity']:8} {service_name:20} {row['title'][:70]}{held}{incident}")
    if total > len(out):
        app.print(f"… {total - len(out)} more; narrow with --service, --status or --label, or raise --limit")
    return 0

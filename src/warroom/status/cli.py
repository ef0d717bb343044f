"""`warroom status publish|export`: publish a public update, or write the static status site."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from warroom.errors import Invalid
from warroom.incidents import service as incidents
from warroom.status import service
from warroom.status.export import export_site
from warroom.status.models import SETTABLE_STATUSES, UPDATE_STATUSES

if TYPE_CHECKING:
    from warroom.cli import CliApp


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `warroom status …`."""
    status = sub.add_parser("status", help="the public status page: publish updates, export a static copy")
    verbs = status.add_subparsers(dest="status_command", metavar="VERB", required=True)

    publish = verbs.add_parser("publish", help="publish a public update for an incident")
    publish.add_argument("incident", type=int, help="incident id")
    publish.add_argument("--status", required=True, choices=UPDATE_STATUSES)
    publish.add_argument("--body", required=True)
    publish.add_argument("--name", help="public name (required on the first update)")
    publish.add_argument(
        "--component", action="append", default=[], metavar="ID=STATUS", help=f"{'|'.join(SETTABLE_STATUSES)}"
    )
    publish.add_argument("--no-notify", action="store_true", help="do not notify subscribers (typo fixes)")
    publish.add_argument("--as", dest="actor", metavar="EMAIL", help="act as this user")
    publish.add_argument("--json", action="store_true", help="print the update as JSON")
    publish.set_defaults(handler=cmd_publish)

    export = verbs.add_parser("export", help="write the public page, JSON and feeds as static files")
    export.add_argument("directory", type=Path)
    export.add_argument("--json", action="store_true", help="print the written files as JSON")
    export.set_defaults(handler=cmd_export)


def _components(raw: list[str]) -> dict[int, str]:
    result = {}
    for item in raw:
        key, sep, value = item.partition("=")
        if not sep or not key.strip().isdigit():
            raise Invalid(f"--component {item!r} must look like 12=partial_outage")
        result[int(key)] = value.strip()
    return result


def cmd_publish(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        incident = incidents.get_incident(ctx, args.incident)
        update = service.publish_update(
            ctx,
            incident,
            status=args.status,
            body=args.body,
            name=args.name,
            components=_components(args.component),
            notify_subscribers=not args.no_notify,
        )
        url = service.public_incident_url(ctx.settings, incident.id)
        if args.json:
            app.print_json(
                {
                    "id": update.id,
                    "incident_id": incident.id,
                    "status": update.status,
                    "published_at": update.published_at.isoformat(),
                    "notify_subscribers": update.notify_subscribers,
                    "url": url,
                }
            )
        else:
            app.print(f"published update {update.id} ({update.status}) for incident {incident.id}: {url}")
    return 0


def cmd_export(args: argparse.Namespace, app: CliApp) -> int:
    directory: Path = args.directory
    if directory.exists() and not directory.is_dir():
        raise Invalid(f"{directory} exists and is not a directory")
    with app.db.transaction(readonly=True) as session:
        written = export_site(session, app.settings, app.clock.now(), directory)
    if args.json:
        app.print_json({"directory": str(directory), "files": [str(p.relative_to(directory)) for p in written]})
    else:
        app.print(f"wrote {len(written)} files to {directory} (open index.html, or serve the folder)")
    return 0

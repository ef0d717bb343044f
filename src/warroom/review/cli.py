"""`warroom postmortem draft|export|publish ID`, `warroom actions list`, `warroom metrics`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi.encoders import jsonable_encoder

from warroom.incidents import service as incidents
from warroom.review import service
from warroom.review.export import duration, metric_label
from warroom.review.metrics import METRICS, parse_since
from warroom.review.models import ACTION_STATUSES

if TYPE_CHECKING:
    from warroom.cli import CliApp


def _as(parser: argparse.ArgumentParser, *, json: bool = True) -> argparse.ArgumentParser:
    parser.add_argument("--as", dest="actor", metavar="EMAIL", help="act as this user (default: the CLI itself)")
    if json:
        parser.add_argument("--json", action="store_true", help="print the API's JSON shape")
    return parser


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `warroom postmortem …`, `warroom actions …` and `warroom metrics`."""
    postmortem = sub.add_parser("postmortem", help="draft, export and publish post-mortems")
    verbs = postmortem.add_subparsers(dest="postmortem_command", metavar="VERB", required=True)

    def verb(name: str, help_text: str, handler: Callable[[argparse.Namespace, CliApp], int], **kw: Any) -> Any:
        parser = _as(verbs.add_parser(name, help=help_text), **kw)
        parser.set_defaults(handler=handler)
        parser.add_argument("id", type=int, help="incident id")
        return parser

    verb("draft", "start (or show) the post-mortem of an incident", cmd_draft)
    export = verb("export", "print the post-mortem as Markdown or HTML", cmd_export, json=False)
    export.add_argument("--format", choices=("md", "html"), default="md")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of printing")
    verb("publish", "publish the post-mortem (checks required sections and action items)", cmd_publish)

    actions = sub.add_parser("actions", help="post-mortem action items")
    action_verbs = actions.add_subparsers(dest="actions_command", metavar="VERB", required=True)
    listing = _as(action_verbs.add_parser("list", help="action items across incidents, soonest due first"))
    listing.set_defaults(handler=cmd_actions_list)
    listing.add_argument("--overdue", action="store_true", help="only open items past their due date")
    listing.add_argument("--status", choices=ACTION_STATUSES)
    listing.add_argument("--team", type=int, metavar="TEAM_ID")
    listing.add_argument("--service", type=int, metavar="SERVICE_ID")

    metrics = _as(sub.add_parser("metrics", help="response metrics: median and p90 by severity, service, month"))
    metrics.set_defaults(handler=cmd_metrics)
    metrics.add_argument("--since", default="90d", help="90d, an ISO date or datetime (default 90d)")


def cmd_draft(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        incident = incidents.get_incident(ctx, args.id)
        postmortem, created = service.ensure_postmortem(ctx, incident)
        doc = service.postmortem_dict(ctx, incident, postmortem)
    if args.json:
        app.print_json(jsonable_encoder(doc))
        return 0
    app.print(f"post-mortem of incident {args.id}: {doc['status']} ({'created' if created else 'exists'})")
    if doc["empty_required_sections"]:
        app.print("empty required sections: " + ", ".join(doc["empty_required_sections"]))
    open_findings = [f for f in doc["lint"] if not f["dismissed"]]
    app.print(f"{len(doc['timeline'])} timeline entries, {len(open_findings)} blameless-language findings")
    return 0


def cmd_export(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        incident = incidents.get_incident(ctx, args.id)
        doc = service.postmortem_dict(ctx, incident, service.draft_for(ctx, incident), with_lint=False)
    text = service.to_markdown(doc) if args.format == "md" else service.to_html(doc)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        app.print(f"wrote {args.output}")
    else:
        app.out.write(text)
    return 0


def cmd_publish(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        incident = incidents.get_incident(ctx, args.id)
        postmortem, _created = service.ensure_postmortem(ctx, incident)
        service.change_status(ctx, incident, postmortem, status="published")
        published = postmortem.published_at
    if args.json:
        app.print_json({"incident_id": args.id, "status": "published", "published_at": published})
        return 0
    app.print(f"published the post-mortem of incident {args.id}")
    return 0


def cmd_actions_list(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        items, total = service.list_action_items(
            ctx,
            overdue=True if args.overdue else None,
            status=args.status,
            team_id=args.team,
            service_id=args.service,
            limit=200,
        )
        rows = [service.action_item_dict(ctx, item) for item in items]
    if args.json:
        app.print_json({"items": jsonable_encoder(rows), "total": total})
        return 0
    if not rows:
        app.print("no action items match")
        return 0
    for row in rows:
        due = row["due_at"].strftime("%Y-%m-%d") if row["due_at"] else "no due date"
        flag = " OVERDUE" if row["overdue"] else ""
        owner = row["owner"] or "no owner"
        app.print(
            f"#{row['id']} [{row['status']}{flag}] {row['title']} · {owner} · due {due} · incident {row['incident_id']}"
        )
    return 0


def cmd_metrics(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        since = parse_since(args.since, ctx.now())
        data = service.collect_metrics(ctx, since=since)
    if args.json:
        app.print_json(jsonable_encoder(data))
        return 0
    overall = data["overall"]
    app.print(f"{overall['incidents']} incidents since {since.strftime('%Y-%m-%d %H:%M UTC')} (exercises apart)")
    for name in METRICS:
        stats = overall[name]
        app.print(
            f"  {metric_label(name):<28} median {duration(stats['median']):>10}  p90 {duration(stats['p90']):>10}"
            f"  (n={stats['count']})"
        )
    items = data["action_items"]
    rate = "—" if items["completion_rate"] is None else f"{items['completion_rate'] * 100:.0f}%"
    app.print(f"action items: {items['done']}/{items['total']} done ({rate}), {items['overdue']} overdue")
    return 0

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from warroom.notify import service, webhooks
from warroom.notify.models import CHANNELS, DELIVERY_STATUSES, Delivery, WebhookEndpoint

if TYPE_CHECKING:
    from warroom.cli import CliApp


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this domain's subcommands."""
    notify = sub.add_parser("notify", help="email and webhook notifications").add_subparsers(
        dest="notify_command", required=True
    )
    status = notify.add_parser("status", help="is email configured? endpoints and delivery counts")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_status)

    test = notify.add_parser("test-email", help="queue a test email (fails when SMTP is not configured)")
    test.add_argument("address")
    test.set_defaults(handler=cmd_test_email)

    log = notify.add_parser("deliveries", help="the delivery log, newest first")
    log.add_argument("--status", choices=DELIVERY_STATUSES)
    log.add_argument("--channel", choices=CHANNELS)
    log.add_argument("--incident", type=int, help="only deliveries about this incident id")
    log.add_argument("--limit", type=int, default=50)
    log.add_argument("--json", action="store_true")
    log.set_defaults(handler=cmd_deliveries)

    hook = notify.add_parser("webhook", help="outbound webhook endpoints").add_subparsers(
        dest="webhook_command", required=True
    )
    add = hook.add_parser("add", help="add an endpoint; its signing secret is printed once")
    add.add_argument("url")
    add.add_argument("--event", action="append", default=[], metavar="KIND", help="send only this kind (repeatable)")
    add.add_argument("--description", default="")
    add.add_argument("--include-private", action="store_true", help="also send events of private incidents")
    add.set_defaults(handler=cmd_webhook_add)
    listing = hook.add_parser("list", help="list endpoints")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_webhook_list)
    for verb, helptext in (
        ("disable", "stop sending to an endpoint"),
        ("enable", "start sending to an endpoint again"),
        ("test", "queue a signed test event"),
        ("delete", "remove an endpoint"),
    ):
        action = hook.add_parser(verb, help=helptext)
        action.add_argument("endpoint_id", type=int, metavar="ID")
        action.set_defaults(handler=cmd_webhook_action, verb=verb)


def _delivery_row(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "channel": d.channel,
        "target": d.target,
        "subject": d.subject,
        "status": d.status,
        "attempts": d.attempts,
        "last_error": d.last_error,
        "response_code": d.response_code,
        "incident_id": d.incident_id,
        "created_at": d.created_at.isoformat(),
        "sent_at": d.sent_at.isoformat() if d.sent_at else None,
        "next_attempt_at": d.next_attempt_at.isoformat() if d.next_attempt_at else None,
    }


def _endpoint_row(e: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": e.id,
        "url": e.url,
        "description": e.description,
        "event_kinds": list(e.event_kinds),
        "include_private": e.include_private,
        "is_active": e.is_active,
    }


def cmd_status(args: argparse.Namespace, app: CliApp) -> int:
    smtp = service.smtp_status(app.settings)
    with app.ctx() as ctx:
        endpoints = [_endpoint_row(e) for e in webhooks.list_webhook_endpoints(ctx)]
        counts = {s: service.list_deliveries(ctx, status=s, limit=1)[1] for s in ("queued", "retrying", "failed")}
    if args.json:
        app.print_json({"smtp": asdict(smtp), "webhook_endpoints": len(endpoints), "deliveries": counts})
        return 0
    if smtp.configured:
        login = f", login {smtp.user}" if smtp.user else ""
        app.print(f"email: configured, {smtp.host}:{smtp.port} tls={smtp.tls} from {smtp.sender}{login}")
    else:
        app.print(f"email: OFF, {service.NOT_CONFIGURED_MESSAGE}")
    active = sum(1 for e in endpoints if e["is_active"])
    app.print(f"webhooks: {active} active of {len(endpoints)} endpoint(s)")
    app.print("deliveries: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0


def cmd_test_email(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        delivery = service.send_test_email(ctx, to=args.address)
        app.print(
            f"queued test email to {delivery.target} as delivery {delivery.id}; a worker sends it "
            "(`warroom notify deliveries` shows the outcome)"
        )
    return 0


def cmd_deliveries(args: argparse.Namespace, app: CliApp) -> int:
    from warroom.cli import CliError

    if not 1 <= args.limit <= 1000:
        raise CliError("--limit must be between 1 and 1000")
    with app.ctx() as ctx:
        rows, total = service.list_deliveries(
            ctx, status=args.status, channel=args.channel, incident_id=args.incident, limit=args.limit
        )
        items = [_delivery_row(d) for d in rows]
    if args.json:
        app.print_json({"items": items, "total": total})
        return 0
    if not items:
        app.print("no deliveries")
    for row in items:
        line = f"{row['id']:>6}  {row['status']:14} {row['channel']:8} {row['target']}  {row['subject']}"
        if row["last_error"] and row["status"] != "sent":
            line += f"  [{row['last_error'][:120]}]"
        app.print(line)
    return 0


def cmd_webhook_add(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        issued = webhooks.create_webhook_endpoint(
            ctx,
            url=args.url,
            description=args.description,
            event_kinds=args.event,
            include_private=args.include_private,
        )
        kinds = ", ".join(issued.endpoint.event_kinds) or "all events"
        app.print(f"added webhook endpoint {issued.endpoint.id} for {issued.endpoint.url} ({kinds})")
    app.print("Signing secret. It is shown once; store it in the receiver now:")
    app.print(issued.secret)
    return 0


def cmd_webhook_list(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        rows = [_endpoint_row(e) for e in webhooks.list_webhook_endpoints(ctx)]
    if args.json:
        app.print_json(rows)
        return 0
    if not rows:
        app.print("no webhook endpoints; add one with `warroom notify webhook add URL`")
    for row in rows:
        state = "active" if row["is_active"] else "disabled"
        kinds = ",".join(row["event_kinds"]) or "all"
        app.print(f"{row['id']:>4}  {state:8} {row['url']}  events={kinds}")
    return 0


def cmd_webhook_action(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        endpoint_id = args.endpoint_id
        if args.verb == "test":
            delivery = webhooks.send_test_event(ctx, endpoint_id=endpoint_id)
            app.print(f"queued a test event to endpoint {endpoint_id} as delivery {delivery.id}")
        elif args.verb == "delete":
            webhooks.delete_webhook_endpoint(ctx, endpoint_id=endpoint_id)
            app.print(f"deleted webhook endpoint {endpoint_id}")
        else:
            active = args.verb == "enable"
            webhooks.update_webhook_endpoint(ctx, endpoint_id=endpoint_id, is_active=active)
            app.print(f"webhook endpoint {endpoint_id} is {'enabled' if active else 'disabled'}")
    return 0

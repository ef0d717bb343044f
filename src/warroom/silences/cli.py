"""`warroom silence add|list|expire`: silence alerts from a terminal. --json prints the API's shapes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from warroom.auth import service as auth_service
from warroom.catalog import service as catalog
from warroom.context import Ctx
from warroom.errors import Forbidden
from warroom.silences import service
from warroom.silences.matchers import parse_matcher
from warroom.silences.models import SILENCE_STATUSES, Silence
from warroom.silences.schemas import SilenceOut

if TYPE_CHECKING:
    from warroom.cli import CliApp


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `warroom silence …`."""
    silence = sub.add_parser("silence", help="silence alerts by label matchers")
    verbs = silence.add_subparsers(dest="silence_command", metavar="VERB", required=True)

    def verb(name: str, help_text: str, handler: Callable[[argparse.Namespace, CliApp], int]) -> Any:
        parser = verbs.add_parser(name, help=help_text)
        parser.add_argument("--as", dest="actor", metavar="EMAIL", help="act as this user (default: the CLI itself)")
        parser.add_argument("--json", action="store_true", help="print the API's JSON shape")
        parser.set_defaults(handler=handler)
        return parser

    add = verb("add", "silence alerts whose labels match every --matcher", cmd_add)
    add.add_argument(
        "--matcher", "-m", action="append", required=True, metavar="EXPR", help="name=value, name!=value, name=~re"
    )
    add.add_argument("--duration", "-d", default="2h", help="how long, e.g. 30m, 2h, 1d (default 2h)")
    add.add_argument("--comment", "-c", required=True, help="why (required)")
    add.add_argument("--service", metavar="NAME_OR_ID", help="only this service's alerts")

    listing = verb("list", "list silences, newest first", cmd_list)
    listing.add_argument("--status", choices=SILENCE_STATUSES)

    verb("expire", "end a silence now", cmd_expire).add_argument("id", type=int)


def _writer(ctx: Ctx) -> None:
    if ctx.actor.user_id is not None and auth_service.role_rank(ctx.actor.role) < auth_service.role_rank("responder"):
        raise Forbidden(f"{ctx.actor.name} is a {ctx.actor.role}; silencing alerts needs the responder role")


def _line(silence: Silence, ctx: Ctx) -> str:
    matchers = ", ".join(f'{m["name"]}{m["op"]}"{m["value"]}"' for m in silence.matchers)
    until = silence.effective_end.strftime("%Y-%m-%d %H:%M UTC")
    return f"#{silence.id:<5} {silence.status_at(ctx.now()):<8} until {until}  {{{matchers}}}  {silence.comment}"


def _show(args: argparse.Namespace, app: CliApp, ctx: Ctx, silence: Silence, verb: str) -> None:
    if args.json:
        app.print_json(SilenceOut.of(silence, ctx.now()).model_dump(mode="json"))
    else:
        app.print(f"{verb} silence {_line(silence, ctx)}")


def cmd_add(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        _writer(ctx)
        matchers = [parse_matcher(text, position=i) for i, text in enumerate(args.matcher)]
        span = service.parse_duration(args.duration)
        service_id = catalog.find_service(ctx, args.service).id if args.service else None
        silence = service.create_silence(
            ctx, matchers=matchers, comment=args.comment, ends_at=ctx.now() + span, service_id=service_id
        )
        _show(args, app, ctx, silence, "created")
    return 0


def cmd_list(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        rows, total = service.list_silences(ctx, status=args.status, limit=200)
        if args.json:
            items = [SilenceOut.of(s, ctx.now()).model_dump(mode="json") for s in rows]
            app.print_json({"items": items, "total": total})
        elif not rows:
            app.print("no silences" + (f" ({args.status})" if args.status else ""))
        else:
            for silence in rows:
                app.print(_line(silence, ctx))
    return 0


def cmd_expire(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx(args.actor) as ctx:
        _writer(ctx)
        silence = service.expire_silence(ctx, service.get_silence(ctx, args.id))
        _show(args, app, ctx, silence, "expired")
    return 0

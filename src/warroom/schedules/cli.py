"""`warroom schedule …` (who is on call, shifts, list) and `warroom oncall report` (on-call health)."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from warroom.cli import CliError
from warroom.schedules import present
from warroom.schedules import service as schedules
from warroom.schedules.schemas import ScheduleOut

if TYPE_CHECKING:
    from warroom.cli import CliApp

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(sub: SubParsers) -> None:
    """Add this domain's subcommands."""
    schedule = sub.add_parser("schedule", help="on-call schedules: who is on call, shifts")
    group = schedule.add_subparsers(dest="schedule_command", required=True, metavar="ACTION")
    who = _add(group, "who", "who is on call for SCHEDULE (name or id) now or --at an instant", cmd_who)
    who.add_argument("schedule")
    who.add_argument("--at", help="ISO 8601 instant, e.g. 2026-03-29T03:00:00+02:00 (default: now)")
    _add(group, "list", "list schedules and who is on call now", cmd_list)
    shifts = _add(group, "shifts", "the final schedule and gaps between --since and --until", cmd_shifts)
    shifts.add_argument("schedule")
    shifts.add_argument("--since", help="ISO instant (default: now)")
    shifts.add_argument("--until", help="ISO instant (default: 7 days after --since)")
    oncall = sub.add_parser("oncall", help="on-call health")
    ogroup = oncall.add_subparsers(dest="oncall_command", required=True, metavar="ACTION")
    report = _add(ogroup, "report", "pages, night pages, incident hours, fairness and flags", cmd_report)
    report.add_argument("--since", default="7d", help="a period back from now (7d, 24h, 2w) or an ISO instant")
    report.add_argument("--until", help="ISO instant (default: now)")
    report.add_argument("--team", help="only this team (name or id)")


def _add(group: SubParsers, name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
    parser = group.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _instant(text: str | None, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"--{name} {text!r} is not an ISO 8601 instant, e.g. 2026-03-29T03:00:00+02:00") from None
    if value.tzinfo is None:
        raise CliError(f"--{name} needs an offset or Z, e.g. {text}+00:00")
    return schedules.check_aware(value, f"--{name}")


def _stamp(value: datetime | None, zone: str) -> str:
    from zoneinfo import ZoneInfo

    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def cmd_who(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        schedule = schedules.find_schedule(ctx, args.schedule)
        out = present.oncall_out(ctx, schedule, _instant(args.at, "at") or ctx.now())
        zone = schedule.time_zone
        name = schedule.name
    if args.json:
        app.print_json(out.model_dump(mode="json"))
        return 0
    if not out.users:
        app.print(f"{name}: nobody is on call at {_stamp(out.at, zone)} (a gap)")
    for person in out.users:
        app.print(f"{name}: {person.name} <{person.email}> is on call (until {_stamp(out.until, zone)})")
    if out.next is not None:
        app.print(f"next: {out.next.name} from {_stamp(out.next_start, zone)}")
    return 0


def cmd_list(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        rows, _total = schedules.list_schedules(ctx)
        entries = [(ScheduleOut.model_validate(s), present.oncall_out(ctx, s, ctx.now())) for s in rows]
    if args.json:
        app.print_json([{**s.model_dump(mode="json"), "oncall": o.model_dump(mode="json")} for s, o in entries])
        return 0
    if not entries:
        app.print("no schedules yet; an admin creates them in the UI (/schedules) or with POST /api/v1/schedules")
    for schedule, oncall in entries:
        now = ", ".join(p.name for p in oncall.users) or "NOBODY (gap)"
        app.print(f"{schedule.id:>4}  {schedule.name:30} {schedule.time_zone:20} on call: {now}")
    return 0


def cmd_shifts(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        schedule = schedules.find_schedule(ctx, args.schedule)
        since = _instant(args.since, "since") or ctx.now()
        until = _instant(args.until, "until") or since + timedelta(days=7)
        result = schedules.final_schedule(ctx, schedule, since=since, until=until)
        out = present.shifts_out(ctx, schedule, result, since, until)
        zone = schedule.time_zone
    if args.json:
        app.print_json(out.model_dump(mode="json"))
        return 0
    for shift in out.shifts:
        source = f"  ({shift.source})" if shift.source else ""
        app.print(f"{_stamp(shift.start, zone)} → {_stamp(shift.end, zone)}  {shift.user_name}{source}")
    for gap in out.gaps:
        app.print(f"GAP {_stamp(gap.start, zone)} → {_stamp(gap.end, zone)}  nobody on call")
    if not out.shifts and not out.gaps:
        app.print("nobody is on call in this period (past gaps are not reported)")
    return 0


def cmd_report(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        since = schedules.parse_since(args.since, ctx.now())
        team_id = schedules.find_team_id(ctx, args.team) if args.team else None
        report = schedules.build_report(ctx, since=since, until=_instant(args.until, "until"), team_id=team_id)
        out = present.health_out(report)
    if args.json:
        app.print_json(out.model_dump(mode="json"))
        return 0
    app.print(f"on-call health {_stamp(out.since, 'UTC')} → {_stamp(out.until, 'UTC')}")
    app.print(f"{'person':24} {'pages':>6} {'night':>6} {'inc. h':>7} {'IC':>4}")
    for p in out.people:
        app.print(f"{p.name[:24]:24} {p.pages:>6} {p.night_pages:>6} {p.incident_hours:>7} {p.incidents_commanded:>4}")
        for flag in p.flags:
            app.print(f"  FLAG: {flag}")
        for rest in p.time_off_suggested:
            app.print(f"  TIME OFF SUGGESTED: {rest}")
    for f in out.fairness:
        app.print(
            f"rotation {f.schedule} / {f.layer}: pages {f.pages.min}/{f.pages.median}/{f.pages.max}, "
            f"night {f.night_pages.min}/{f.night_pages.median}/{f.night_pages.max} (min/median/max)"
        )
    for t in out.teams:
        app.print(f"team {t.name}: {t.pages} pages, {t.night_pages} at night, {t.incident_hours} h in incidents")
    return 0

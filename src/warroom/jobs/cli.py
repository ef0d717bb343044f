from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from warroom.jobs import service
from warroom.jobs.models import JOB_STATUSES, Job

if TYPE_CHECKING:
    from warroom.cli import CliApp


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this domain's subcommands."""
    jobs = sub.add_parser("jobs", help="inspect and retry background jobs").add_subparsers(
        dest="jobs_command", required=True
    )
    listing = jobs.add_parser("list", help="list jobs, newest first")
    listing.add_argument("--status", choices=JOB_STATUSES)
    listing.add_argument("--queue")
    listing.add_argument("--name")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_jobs_list)

    retry = jobs.add_parser("retry", help="put a dead job back on the queue")
    retry.add_argument("job_id", type=int, metavar="ID")
    retry.set_defaults(handler=cmd_jobs_retry)

    stats = jobs.add_parser("stats", help="job counts by status")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(handler=cmd_jobs_stats)


def _row(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "name": job.name,
        "queue": job.queue,
        "status": job.status,
        "run_at": job.run_at.isoformat(),
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "key": job.idempotency_key,
        "last_error": job.last_error,
    }


def cmd_jobs_list(args: argparse.Namespace, app: CliApp) -> int:
    from warroom.cli import CliError

    if not 1 <= args.limit <= 1000:
        raise CliError("--limit must be between 1 and 1000")
    with app.ctx() as ctx:
        jobs, total = service.list_jobs(ctx, status=args.status, queue=args.queue, name=args.name, limit=args.limit)
        rows = [_row(j) for j in jobs]
    if args.json:
        app.print_json({"items": rows, "total": total})
        return 0
    if not rows:
        app.print("no jobs match")
        return 0
    for row in rows:
        tries = f"{row['attempts']}/{row['max_attempts']}"
        line = f"{row['id']:>6}  {row['status']:9} {row['name']:32} {row['run_at']}  {tries}"
        if row["last_error"]:
            line += "  " + row["last_error"].splitlines()[0][:100]
        app.print(line)
    if total > len(rows):
        app.print(f"({len(rows)} of {total}; use --limit or filters)")
    return 0


def cmd_jobs_retry(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        job = service.retry_dead(ctx, job_id=args.job_id)
        app.print(f"job {job.id} ({job.name}) is pending again; a worker will run it")
    return 0


def cmd_jobs_stats(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        counts = service.stats(ctx).as_dict()
    if args.json:
        app.print_json(counts)
    else:
        for status, count in counts.items():
            app.print(f"{status:10} {count}")
    return 0

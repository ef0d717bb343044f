"""The `warroom` command: serve · worker · migrate · demo · user · token · config, plus each domain's verbs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError

from warroom.context import Actor, Ctx
from warroom.db import Database, migrate
from warroom.errors import AppError
from warroom.lib.clock import Clock, SystemClock
from warroom.settings import VARIABLES, Settings, SettingsError

Handler = Callable[[argparse.Namespace, "CliApp"], int]


class CliError(Exception):
    """A problem the person at the terminal can fix; printed as one line."""


@dataclass
class CliApp:
    """What a command handler gets: settings, a lazily opened database and the clock."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    out: Any = field(default_factory=lambda: sys.stdout)
    _db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.settings)
        return self._db

    @contextmanager
    def ctx(self, actor_email: str | None = None) -> Iterator[Ctx]:
        """A committed unit of work acting as `actor_email` (or the system)."""
        from warroom.auth import service as auth_service

        with self.db.transaction() as session:
            ctx = Ctx(session=session, clock=self.clock, settings=self.settings, source="cli")
            if actor_email:
                ctx.actor = auth_service.actor_for(auth_service.find_user(ctx, actor_email))
            else:
                ctx.actor = Actor.system("CLI")
            yield ctx

    def print(self, *parts: object) -> None:
        print(*parts, file=self.out)

    def print_json(self, value: Any) -> None:
        print(json.dumps(value, indent=2, default=str, sort_keys=True), file=self.out)

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def build_parser() -> argparse.ArgumentParser:
    from warroom.auth import cli as auth_cli
    from warroom.catalog import cli as catalog_cli
    from warroom.comms import cli as comms_cli
    from warroom.incidents import cli as incidents_cli
    from warroom.intake import cli as intake_cli
    from warroom.jobs import cli as jobs_cli
    from warroom.maintenance import cli as maintenance_cli
    from warroom.notify import cli as notify_cli
    from warroom.paging import cli as paging_cli
    from warroom.reports import cli as reports_cli
    from warroom.review import cli as review_cli
    from warroom.schedules import cli as schedules_cli
    from warroom.silences import cli as silences_cli
    from warroom.status import cli as status_cli

    parser = argparse.ArgumentParser(prog="warroom", description="Incident response in one command.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = sub.add_parser("serve", help="run the web UI, API and (unless --no-worker) a job worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="load the demo dataset and allow the dev secret key")
    serve.add_argument("--no-worker", action="store_true", help="do not run background jobs in this process")
    serve.add_argument("--tls-cert", help="PEM certificate: serve HTTPS directly")
    serve.add_argument("--tls-key", help="PEM private key for --tls-cert")
    serve.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations at start")
    serve.add_argument(
        "--workers", type=int, default=1, help="web processes sharing the port (each also runs a job worker)"
    )
    serve.add_argument("--no-access-log", action="store_true", help="do not log each request")
    serve.set_defaults(handler=cmd_serve)

    worker = sub.add_parser("worker", help="run a job worker alone (scale out with several)")
    worker.add_argument("--once", action="store_true", help="run due jobs, then exit")
    worker.set_defaults(handler=cmd_worker)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(handler=cmd_migrate)

    demo = sub.add_parser("demo", help="load the demo dataset (idempotent)")
    demo.set_defaults(handler=cmd_demo)

    sub.add_parser("config", help="list every WARROOM_* setting").set_defaults(handler=cmd_config)

    domain_clis = (
        maintenance_cli,
        intake_cli,
        silences_cli,
        reports_cli,
        schedules_cli,
        paging_cli,
        status_cli,
        comms_cli,
        review_cli,
    )
    for module in (auth_cli, catalog_cli, incidents_cli, notify_cli, jobs_cli, *domain_clis):
        module.register(sub)
    return parser


def cmd_migrate(args: argparse.Namespace, app: CliApp) -> int:
    migrate(app.settings)
    app.print("database is up to date")
    return 0


def cmd_config(args: argparse.Namespace, app: CliApp) -> int:
    for name, _attr, _parse, help_text in VARIABLES:
        app.print(f"{name:28} {help_text}")
    return 0


def cmd_demo(args: argparse.Namespace, app: CliApp) -> int:
    from warroom import demo

    migrate(app.settings)
    with app.ctx() as ctx:
        logins = demo.load(ctx)
    for email, password, role in logins:
        app.print(f"  {role:10} {email}  password: {password}")
    return 0


def cmd_worker(args: argparse.Namespace, app: CliApp) -> int:
    from warroom.jobs.worker import WorkerPool

    worker = WorkerPool(app.db, app.clock, app.settings, name="worker")
    if args.once:
        ran = worker.run_due()
        app.print(f"ran {ran} job(s)")
        return 0
    app.print("worker running; Ctrl-C to stop")
    worker.run_forever()
    return 0


def cmd_serve(args: argparse.Namespace, app: CliApp) -> int:
    import uvicorn

    from warroom import demo, listeners
    from warroom.app import create_app

    settings = app.settings
    if args.demo and not settings.is_dev:
        settings = settings.with_overrides(mode="demo")
    settings.check_can_serve()
    if bool(args.tls_cert) != bool(args.tls_key):
        raise CliError("--tls-cert and --tls-key go together")
    if not 1 <= args.workers <= 64:
        raise CliError("--workers must be between 1 and 64")
    if not args.no_migrate:
        migrate(settings)
    scheme = "https" if args.tls_cert else "http"
    shown_host = "localhost" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104 - a comparison
    url = settings.base_url or f"{scheme}://{shown_host}:{args.port}"
    # Background work (page mails, acknowledge links, feeds) has no request to take a host from.
    settings = settings.with_overrides(base_url=url.rstrip("/"))
    logins: list[tuple[str, str, str]] = []
    if args.demo:
        database = Database(settings)
        try:
            with database.transaction() as session:
                logins = demo.load(Ctx(session=session, clock=app.clock, settings=settings, source="cli"))
        finally:
            database.dispose()
    if args.workers > 1:
        # Each process builds its own app from the environment (uvicorn starts them afresh), so what this
        # command decided travels there: the mode, the public URL and whether to run the job worker.
        os.environ.update(
            WARROOM_MODE=settings.mode,
            WARROOM_BASE_URL=settings.base_url or url,
            WARROOM_SERVE_RUN_WORKER="0" if args.no_worker else "1",
        )
        web_app: Any = "warroom.app:serve_app"
    else:
        web_app = create_app(settings, clock=app.clock, run_worker=not args.no_worker)
    app.print(f"Warroom is running at {url}" + (f" ({args.workers} processes)" if args.workers > 1 else ""))
    for email, password, role in logins:
        app.print(f"  log in as {email} / {password}  ({role})")
    if settings.uses_default_secret:
        app.print("  (dev/demo mode: using the built-in secret key; never do this in production)")
    options: dict[str, Any] = dict(
        host=args.host,
        port=args.port,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        log_level="info",
        access_log=not args.no_access_log,
        proxy_headers=True,
        http="warroom.server:WarroomHttpProtocol",
    )
    if args.workers > 1:  # each process on a socket of its own (warroom/listeners.py)
        listeners.run_processes(uvicorn.Config(web_app, factory=True, workers=args.workers, **options))
    else:
        uvicorn.run(web_app, **options)
    return 0


def main(argv: Sequence[str] | None = None, *, app: CliApp | None = None) -> int:
    from warroom import handlers

    handlers.load_all()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        cli_app = app or CliApp(settings=Settings.from_env())
    except SettingsError as exc:
        print(f"warroom: configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        handler: Handler = args.handler
        return handler(args, cli_app)
    except (AppError, CliError, SettingsError) as exc:
        print(f"warroom: error: {exc}", file=sys.stderr)
        return 1
    except (OperationalError, ProgrammingError) as exc:
        first = str(exc.orig if exc.orig is not None else exc).splitlines()[0]
        print(
            f"warroom: database error: {first} (is WARROOM_DATABASE_URL right? did `warroom migrate` run?)",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if app is None:
            cli_app.close()

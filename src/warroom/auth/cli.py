from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from warroom.auth import service

if TYPE_CHECKING:
    from warroom.cli import CliApp


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user = sub.add_parser("user", help="manage users").add_subparsers(dest="user_command", required=True)
    create = user.add_parser("create", help="create a user")
    create.add_argument("email")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=["owner", "admin", "responder", "viewer"])
    create.add_argument("--timezone", default="UTC")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    create.set_defaults(handler=cmd_user_create)
    listing = user.add_parser("list", help="list users")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_user_list)
    passwd = user.add_parser("password", help="set a user's password")
    passwd.add_argument("email")
    passwd.add_argument("--password-stdin", action="store_true")
    passwd.set_defaults(handler=cmd_user_password)

    token = sub.add_parser("token", help="manage API tokens").add_subparsers(dest="token_command", required=True)
    tcreate = token.add_parser("create", help="create an API token; it is printed once, on the last line")
    tcreate.add_argument("email")
    tcreate.add_argument("--name", default="cli")
    tcreate.set_defaults(handler=cmd_token_create)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        from warroom.cli import CliError

        raise CliError("the two passwords differ")
    return first


def cmd_user_create(args: argparse.Namespace, app: CliApp) -> int:
    password = _read_password(args.password_stdin)
    with app.ctx() as ctx:
        user = service.create_user(
            ctx, email=args.email, name=args.name, role=args.role, password=password, timezone=args.timezone
        )
        app.print(f"created {user.role} {user.email} (id {user.id})")
    return 0


def cmd_user_list(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        users = service.list_users(ctx)
        rows = [{"id": u.id, "email": u.email, "name": u.name, "role": u.role, "timezone": u.timezone} for u in users]
    if args.json:
        app.print_json(rows)
    else:
        for row in rows:
            app.print(f"{row['id']:>4}  {row['role']:10} {row['email']:32} {row['name']}")
    return 0


def cmd_user_password(args: argparse.Namespace, app: CliApp) -> int:
    password = _read_password(args.password_stdin)
    with app.ctx() as ctx:
        service.set_password(ctx, user=service.find_user(ctx, args.email), password=password)
    app.print("password updated")
    return 0


def cmd_token_create(args: argparse.Namespace, app: CliApp) -> int:
    with app.ctx() as ctx:
        user = service.find_user(ctx, args.email)
        issued = service.create_api_token(ctx, user=user, name=args.name)
    app.print(f"API token for {user.email}. It is shown once; store it now:")
    app.print(issued.token)
    return 0

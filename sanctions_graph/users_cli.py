"""`sanctions-graph users add|list|remove|passwd`: the dashboard's users, in the users file (``users.json`` in the
store home, or ``$SANCTIONS_GRAPH_USERS``). Passwords are asked twice without echo, or read from stdin with
``--password-stdin`` (scripts); they are stored only as scrypt hashes."""

from __future__ import annotations

import sys

import click

from dashboard.auth import USERS_ENV, Role, UserFile, parse_role, users_path
from sanctions_graph.options import EXIT_OK, Group, print_json, settings_for, store_option

FILE_HELP = f"The users file is users.json in the store home, or the path in ${USERS_ENV}."


def register(group: click.Group) -> None:
    """Add `users` to the root group."""
    group.add_command(users)


def user_file(store: str | None) -> UserFile:
    """The users file of the store home (--store is accepted like everywhere; the home does not depend on it)."""
    return UserFile(users_path(settings_for(store).home))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")
    return password


password_stdin = click.option(
    "--password-stdin", is_flag=True, help="read the password from the first line of stdin (for scripts)"
)


@click.group("users", cls=Group, short_help="the dashboard's users: add, list, remove, passwd", epilog=FILE_HELP)
@store_option
def users(store: str | None) -> None:
    """The dashboard's users and their roles: analyst (read, notes, reviews) or admin (also loads, deletes,
    users). With users, `serve` asks everyone to log in; `serve --host 0.0.0.0` needs them."""


@users.command(short_help="add a user")
@click.argument("name")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.ANALYST.value, help="what the user may do"
)
@password_stdin
@store_option
def add(store: str | None, name: str, role: str, password_stdin: bool) -> int:
    """Add user NAME with a password (asked twice, at least 12 characters)."""
    file = user_file(store)
    user = file.add(name, parse_role(role), _password(password_stdin))
    print(f"Added {user.name} ({user.role.value}) to {file.path}.")
    return EXIT_OK


@users.command("list", short_help="list the users and their roles")
@click.option("--json", "as_json", is_flag=True, help="print JSON: [{name, role}]")
@store_option
def list_users(store: str | None, as_json: bool) -> int:
    """List the users and their roles (never the hashes)."""
    file = user_file(store)
    found = sorted(file.users().values(), key=lambda u: u.name)
    if as_json:
        print_json([{"name": u.name, "role": u.role.value} for u in found])
    elif not found:
        print(f"No users in {file.path}: the dashboard is open on loopback and refuses other addresses.")
    else:
        for u in found:
            print(f"{u.name}\t{u.role.value}")
    return EXIT_OK


@users.command(short_help="remove a user")
@click.argument("name")
@store_option
def remove(store: str | None, name: str) -> int:
    """Remove user NAME; its sessions end at their next request."""
    file = user_file(store)
    file.remove(name)
    print(f"Removed {name} from {file.path}.")
    return EXIT_OK


@users.command(short_help="change a user's password")
@click.argument("name")
@password_stdin
@store_option
def passwd(store: str | None, name: str, password_stdin: bool) -> int:
    """Change the password of user NAME; its open sessions end."""
    file = user_file(store)
    file.set_password(name, _password(password_stdin))
    print(f"Changed the password of {name}.")
    return EXIT_OK

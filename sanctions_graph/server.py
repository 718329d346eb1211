"""`serve` and `demo` behind a production WSGI server (waitress: pure Python, several threads) with the dashboard's
guard: users and login from the users file, required whenever it listens beyond loopback; allowed host names; a
session key kept in the store home so logins survive a restart."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
from collections.abc import Iterable
from pathlib import Path

from dash import Dash
from waitress.server import create_server

from dashboard.auth import LOOPBACK_HOSTS, Security, UserFile, host_name, users_path
from graph import ConfigError, Settings

SECRET_ENV = "SANCTIONS_GRAPH_SECRET_KEY"
SECRET_FILE = "session_key"
DEFAULT_THREADS = 8
_WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def is_loopback(host: str) -> bool:
    return host_name(host) in LOOPBACK_HOSTS or host.startswith("127.")


def session_key(home: Path) -> bytes:
    """$SANCTIONS_GRAPH_SECRET_KEY, else a random key made once and kept (mode 0600) in the store home."""
    given = os.environ.get(SECRET_ENV, "")
    if given:
        return given.encode()
    path = home / SECRET_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes()
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    return key


def _this_machine() -> set[str]:
    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    with contextlib.suppress(OSError):
        names |= set(socket.gethostbyname_ex(socket.gethostname())[2])
    return names


def security_for(settings: Settings, host: str, allowed_hosts: Iterable[str], https: bool) -> Security:
    """The guard for a dashboard listening on ``host``. Raises ConfigError (a sentence, exit 2) when it would
    listen beyond loopback without users."""
    users = UserFile(users_path(settings.home))
    has_users = bool(users.users())
    if not is_loopback(host) and not has_users:
        raise ConfigError(
            f"Refusing to listen on {host} without users: anyone who reaches it could read the graph. Add one with "
            f"`sanctions-graph users add NAME --role admin` (users file {users.path}), or serve on 127.0.0.1."
        )
    hosts = set(LOOPBACK_HOSTS) | {host_name(h) for h in allowed_hosts if h.strip()}
    if not is_loopback(host):
        hosts |= _this_machine() if host in _WILDCARDS else {host_name(host)}
    return Security(
        users=users if has_users else None,
        allowed_hosts=frozenset(hosts),
        secret_key=session_key(settings.home),
        https=https,
    )


def run(app: Dash, host: str, port: int, threads: int = DEFAULT_THREADS, https: bool = False) -> None:
    """Serve ``app`` until a stop signal's exception ends the loop; then stop listening and let the requests being
    answered finish (a few seconds at most)."""
    server = create_server(
        app.server,
        host=host,
        port=port,
        threads=threads,
        ident="sanctions-graph",
        url_scheme="https" if https else "http",
        channel_timeout=60,
        asyncore_use_poll=True,
        clear_untrusted_proxy_headers=True,
    )
    try:
        server.run()
    finally:
        server.close()

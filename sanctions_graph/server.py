"""`serve` and `demo` behind a production WSGI server (waitress: pure Python, several threads) with the dashboard's
guard: users and login from the users file, required whenever it listens beyond loopback; allowed host names; a
session key kept in the store home so logins survive a restart."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from dash import Dash
from waitress.server import create_server

from dashboard import context
from dashboard.app import PAGES
from dashboard.auth import LOOPBACK_HOSTS, Security, UserFile, host_name, users_path
from graph import ConfigError, NodeKind, Settings

SECRET_ENV = "SANCTIONS_GRAPH_SECRET_KEY"
SECRET_FILE = "session_key"
DEFAULT_THREADS = 8
#: How long `serve` waits for its warm-up before it listens anyway (a hung store must not keep it from starting).
WARM_UP_LIMIT_S = 30.0
#: Entities the warm-up picks its pages from (the store's first ones).
_WARM_UP_SAMPLE = 50
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


def _warm_up_pages(app: Dash) -> list[str]:
    """Open the main pages once, in process, as the router would; returns the pages opened."""
    layouts: dict[str, Callable[..., Any]] = {path: layout for _, path, _, _, layout in PAGES}
    opened: list[str] = []
    with app.server.test_request_context("/"):
        store = context.current().store
        sample = next(iter(store.iter_entities(batch_size=_WARM_UP_SAMPLE)), [])
        named = [e for e in sample if e.kind is not NodeKind.WALLET and e.name]
        wallets = [e for e in sample if e.kind is NodeKind.WALLET]
        pages: list[tuple[str, dict[str, str]]] = [("/", {"q": named[0].name[:60]})] if named else []
        for e in named[:1]:
            pages += [("/entity/<entity_id>", {"entity_id": e.id, "hops": "2"})]
            pages += [("/report/<entity_id>", {"entity_id": e.id})]
        if len(named) > 1:
            pages.append(("/paths", {"from": named[0].id, "to": named[-1].id}))
        pages += [("/trace", {"wallet": w.id}) for w in wallets[:1]]
        for path, params in pages:
            with contextlib.suppress(Exception):  # a page shows its own error to analysts; here it only warms
                layouts[path](**params)
                opened.append(path)
    return opened


def warm_up(app: Dash, limit_s: float = WARM_UP_LIMIT_S) -> str:
    """Before listening: Dash's first-request setup (it builds the validation layout then) and the main pages once
    (search, an entity's 2-hop neighbourhood, its report, paths, a trace), so the store has its query plans and
    caches ready (Neo4j plans each query on its first run) and the first analysts do not pay for them. Only reads.
    Gives up waiting after ``limit_s`` (a hung store); returns a sentence saying what it did."""
    started = time.monotonic()
    opened: list[str] = []

    def work() -> None:
        app.server.test_client().get("/")  # Dash's own setup runs on the first request, before any login check
        opened.extend(_warm_up_pages(app))

    worker = threading.Thread(target=work, name="warm-up", daemon=True)
    worker.start()
    worker.join(limit_s)
    if worker.is_alive():
        return f"Warm-up: the store did not answer within {limit_s:g} s; serving anyway."
    return f"Warm-up: {len(opened)} pages opened in {time.monotonic() - started:.1f} s."


def run(app: Dash, host: str, port: int, threads: int = DEFAULT_THREADS, https: bool = False) -> None:
    """Serve ``app`` (warmed up first) until a stop signal's exception ends the loop; then stop listening and let
    the requests being answered finish (a few seconds at most)."""
    print(warm_up(app), flush=True)
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

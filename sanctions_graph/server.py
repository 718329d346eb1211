"""`serve` and `demo` behind a production WSGI server with the dashboard's guard: users and login from the users
file, required whenever it listens beyond loopback; allowed host names; a session key kept in the store home so
logins survive a restart.

The server is gunicorn: one master process and ``--workers`` server processes (forked from the master after it has
built and warmed up the app), each answering ``--threads`` requests at once. Several processes because one Python
process cannot use more than one core (the interpreter lock), and the dashboard's own Python is most of a request's
time. What must be one for all workers is: the session key and the users file (read from the store home), the login
rate limit (counted in a file there: ``dashboard.auth.file_limits``), and the embedded store's one FalkorDB server,
which the master starts and stops; each worker opens its own connection to it, or its own Neo4j driver, on first use
(``ProcessStore``), and never starts a server of its own.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import os
import secrets
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from dash import Dash
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from dashboard import context
from dashboard.app import PAGES
from dashboard.auth import LOOPBACK_HOSTS, Security, UserFile, host_name, users_path
from dashboard.auth.file_limits import FileLoginLimiter
from graph import ConfigError, GraphStore, NodeKind, Settings, StoreUnavailable, embedded_status, open_store

SECRET_ENV = "SANCTIONS_GRAPH_SECRET_KEY"
SECRET_FILE = "session_key"
LOGIN_FAILURES_FILE = "login_failures.sqlite"
DEFAULT_THREADS = 4
#: How long a stop waits for the requests being answered (each has a deadline of the query timeout + 3 s).
GRACEFUL_STOP_S = 15
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
        limiter=FileLoginLimiter(settings.home / LOGIN_FAILURES_FILE),  # one count for every worker process
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


def freeze_start_up() -> None:
    """Take what the start-up made (modules, the app, its layouts and caches, the warm-up's plans) out of the garbage
    collector's full collections (``gc.freeze``), which would otherwise walk all of it again each time: shorter
    pauses in every request, and the workers forked afterwards keep those pages shared with the master (a collection
    writes to each object it walks). Measured with benchmarks/view_bench.py --gc freeze (docs/explorer.md)."""
    gc.collect()
    gc.freeze()


class ProcessStore:
    """The store as each process must hold it: the master's own store in the master; in a forked worker, one opened
    by ``opener`` on the first call (a Neo4j driver or a FalkorDB connection is never shared across a fork). A call
    that cannot open it raises the opener's StoreUnavailable and the next call tries again. Methods are looked up
    on the master store's class, so looking one up opens nothing (the deadline wrapper looks them up in the
    request's thread and calls them in its pool)."""

    def __init__(self, master: GraphStore, opener: Callable[[], GraphStore]) -> None:
        self._master = master
        self._master_pid = os.getpid()
        self._opener = opener
        self._own: GraphStore | None = None
        self._own_pid = 0
        self._lock = threading.Lock()  # taken only in workers (never held across a fork)
        self._methods = frozenset(name for name, _ in inspect.getmembers(type(master), inspect.isfunction))

    def current(self) -> GraphStore:
        pid = os.getpid()
        if pid == self._master_pid:
            return self._master
        with self._lock:
            if self._own is None or self._own_pid != pid:
                self._own = self._opener()
                self._own_pid = pid
            return self._own

    def close_own(self) -> None:
        """Close this worker's own store (the master's is closed by whoever opened it)."""
        with self._lock:
            own, self._own = self._own, None
        if own is not None and self._own_pid == os.getpid():
            with contextlib.suppress(Exception):
                own.close()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._methods:

            def call(*args: Any, **kwargs: Any) -> Any:
                return getattr(self.current(), name)(*args, **kwargs)

            call.__name__ = name
            return call
        return getattr(self.current(), name)


def worker_opener(settings: Settings) -> Callable[[], GraphStore]:
    """How a worker opens its store: Neo4j, its own driver; the embedded store, a connection to the server the
    master started (never a server of its own: one that stopped is a sentence until `serve` is restarted)."""

    def open_for_worker() -> GraphStore:
        if settings.store == "embedded" and not embedded_status(settings).running:
            raise StoreUnavailable(
                "The embedded store's server has stopped; restart `sanctions-graph serve` to start it again."
            )
        return open_store(settings)

    return open_for_worker


class _Arbiter(Arbiter):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn's master, stopping as every command does: Ctrl-C, SIGTERM and SIGHUP (not a reload here) stop the
    workers gracefully and end ``run`` with the signal; a worker never returns into the command's code."""

    stopped_by: int | None = None

    def _stop_with(self, signum: int) -> None:
        self.stopped_by = signum
        raise StopIteration

    def handle_term(self) -> None:
        self._stop_with(signal.SIGTERM)

    def handle_int(self) -> None:
        self._stop_with(signal.SIGINT)

    def handle_hup(self) -> None:
        self._stop_with(signal.SIGHUP)

    def spawn_worker(self) -> int:
        master = os.getpid()
        try:
            return int(super().spawn_worker())
        except BaseException as exc:
            if os.getpid() == master:
                raise
            # the worker ends here: unwinding further would run the command's clean-up (close the store, stop the
            # embedded server) in a worker
            code = exc.code if isinstance(exc, SystemExit) and isinstance(exc.code, int) else 1
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code & 0xFF)


class _Https:
    """Behind a TLS proxy every request came in over https (what waitress's url_scheme did)."""

    def __init__(self, wsgi: Any) -> None:
        self.wsgi = wsgi

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        environ["wsgi.url_scheme"] = "https"
        return self.wsgi(environ, start_response)


class _Application(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    def __init__(self, app: Dash, options: dict[str, Any], https: bool) -> None:
        self._app = app
        self._options = options
        self._https = https
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return _Https(self._app.server) if self._https else self._app.server


def run(
    app: Dash,
    host: str,
    port: int,
    workers: int,
    threads: int = DEFAULT_THREADS,
    https: bool = False,
    worker_exit: Callable[[], None] | None = None,
) -> int | None:
    """Serve ``app`` (warmed up first, in this process, before the workers are forked from it) with ``workers``
    processes of ``threads`` threads, until a stop signal; then stop listening, let the requests being answered
    finish (``GRACEFUL_STOP_S`` at most) and return the signal's number (None: stopped otherwise).
    ``worker_exit`` runs in each worker as it ends (closing its store)."""
    print(warm_up(app), flush=True)
    freeze_start_up()  # before the workers are forked: theirs too
    options: dict[str, Any] = {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": True,
        "proc_name": "sanctions-graph",
        "timeout": 60,  # a worker whose main loop stops for this long is replaced (its requests have deadlines)
        "graceful_timeout": GRACEFUL_STOP_S,
        "keepalive": 5,
        "loglevel": "warning",
        "accesslog": None,
        "errorlog": "-",
        "control_socket_disable": True,
        "forwarded_allow_ips": "",  # proxy headers are not trusted (as before: the guard checks Host itself)
        "worker_exit": (lambda arbiter, worker: worker_exit()) if worker_exit else (lambda arbiter, worker: None),
    }
    arbiter = _Arbiter(_Application(app, options, https))
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        arbiter.run()
    except SystemExit:  # gunicorn's master ends with sys.exit once its workers have stopped
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    return arbiter.stopped_by

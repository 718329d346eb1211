"""`serve` as a team runs it: a master and several worker processes (gunicorn), each with its own store connection.

What must hold across workers: a login made through one worker opens pages served by another (one session key),
the login rate limit counts failures whichever worker answered (one count), the embedded store has one server (the
master's). Stop signals end it as every command ends (exit 128 + signal, `Stopped on request.`, nothing left
running), and a store that hangs (a SIGSTOPped Neo4j) gives the analyst a sentence within the query timeout, after
which the same server answers again once the store does (SIGCONT).

To reach one worker in particular the other is stopped (SIGSTOP) for the request: only the running one accepts
connections on the shared socket.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.unit.dash_app import router_request

STOPPED = "Stopped on request."
PASSWORD = "correct horse battery staple"
START_LIMIT_S = 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def workers(master: int) -> list[int]:
    """The master's worker processes (its Python children; an embedded FalkorDB server is not one)."""
    return [pid for pid in _children(master) if "sanctions_graph" in _command_line(pid)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").exists() and " Z " not in Path(f"/proc/{pid}/stat").read_text()


class Served:
    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc = proc
        self.base = f"http://127.0.0.1:{port}"

    @contextlib.contextmanager
    def through(self, worker: int) -> Iterator[None]:
        """Requests made inside reach ``worker`` only: the other workers are stopped meanwhile."""
        others = [pid for pid in workers(self.proc.pid) if pid != worker]
        for pid in others:
            os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            for pid in others:
                os.kill(pid, signal.SIGCONT)

    def page(self, path: str, search: str = "", cookies: Any = None, timeout: float = 60) -> requests.Response:
        """What the browser asks after it opens ``path``: the Dash pages router's callback (the page's reads)."""
        body = router_request(path, search)
        return requests.post(
            f"{self.base}/_dash-update-component",
            data=json.dumps(body),
            headers={"Origin": self.base, "Content-Type": "application/json"},
            cookies=cookies,
            timeout=timeout,
        )

    def login(self, password: str) -> requests.Response:
        return requests.post(
            f"{self.base}/login",
            data={"username": "ana", "password": password, "next": "/"},
            headers={"Origin": self.base},
            allow_redirects=False,
            timeout=30,
        )


@contextlib.contextmanager
def serving(env: dict[str, str], *options: str, command: str = "serve") -> Iterator[Served]:
    """`sanctions-graph serve --workers 2` in a process of its own, once both workers answer; stopped after."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanctions_graph", command, "--port", str(port), "--workers", "2", *options],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    served = Served(proc, port)
    try:
        deadline = time.monotonic() + START_LIMIT_S
        while True:
            try:
                if len(workers(proc.pid)) == 2 and requests.get(served.base + "/login", timeout=2).status_code < 500:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                out, err = proc.communicate()
                raise AssertionError(f"serve did not answer within {START_LIMIT_S} s: {out[-2000:]} {err[-2000:]}")
            time.sleep(0.3)
        yield served
    finally:
        left = workers(proc.pid) if proc.poll() is None else []
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                for pid in [proc.pid, *left]:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                proc.communicate()


def _env(home: Path, store: str = "embedded", **more: str) -> dict[str, str]:
    return {**os.environ, "SANCTIONS_GRAPH_HOME": str(home), "SANCTIONS_GRAPH_STORE": store, **more}


def test_serve_answers_from_every_worker_and_sigterm_stops_them_all(tmp_path: Path) -> None:
    env = _env(tmp_path)
    with serving(env, command="demo") as served:
        master = served.proc.pid
        both = workers(master)
        assert len(both) == 2
        falkordb = [pid for pid in _children(master) if pid not in both]
        assert len(falkordb) == 1 and "redis-server" in _command_line(falkordb[0])  # one store server, the master's
        for worker in both:
            with served.through(worker):
                answer = served.page("/entity/demo-golden-maple", "?hops=1")
            assert answer.status_code == 200
            assert "Golden Maple" in answer.text  # the demo entity, read by this worker through its own connection
        assert [pid for pid in _children(master) if pid not in both] == falkordb  # no worker started a server
        served.proc.send_signal(signal.SIGTERM)
        _, stderr = served.proc.communicate(timeout=60)
    assert served.proc.returncode == 128 + signal.SIGTERM
    assert stderr.strip().splitlines()[-1] == STOPPED
    assert "Traceback" not in stderr
    assert not [pid for pid in [*both, *falkordb] if _alive(pid)]  # workers and the embedded server stopped
    status = subprocess.run(
        [sys.executable, "-m", "sanctions_graph", "db", "status"], env=env, capture_output=True, text=True, check=True
    )
    assert "is not running" in status.stdout


def test_a_login_made_through_one_worker_holds_on_the_other_and_failures_count_across_both(tmp_path: Path) -> None:
    env = _env(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "sanctions_graph", "users", "add", "ana", "--role", "analyst", "--password-stdin"],
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    with serving(env) as served:
        first, second = workers(served.proc.pid)
        with served.through(first):
            assert served.page("/").status_code == 401  # nobody logged in
            login = served.login(PASSWORD)
            assert login.status_code == 302 and login.headers["Location"] == "/"
        with served.through(second):
            assert served.page("/", cookies=login.cookies).status_code == 200
            assert requests.get(served.base + "/", cookies=login.cookies, timeout=30).status_code == 200
        # the rate limit: 5 failures in 5 minutes per address and user, counted across both workers
        for worker, failures in ((first, 3), (second, 2)):
            with served.through(worker):
                assert [served.login("wrong password!").status_code for _ in range(failures)] == [401] * failures
        with served.through(first):
            refused = served.login(PASSWORD)
        assert refused.status_code == 429
        assert "Too many failed logins" in refused.text


def _neo4j_pid() -> int:
    run_dir = os.environ.get("NEO4J_RUN_DIR", "")
    pid_file = Path(run_dir) / "neo4j.pid"
    if not run_dir or not pid_file.exists():
        pytest.fail("this test stops the local Neo4j started by scripts/neo4j.sh: set NEO4J_RUN_DIR to its run dir")
    return int(pid_file.read_text().strip())


def test_a_hung_neo4j_gives_a_sentence_within_the_query_timeout_and_serve_recovers(tmp_path: Path) -> None:
    """Neo4j stopped (SIGSTOP) under a running `serve`: each worker's page answers with a sentence within the
    deadline (query timeout 2 s + 3 s), no worker is replaced, and once Neo4j runs again (SIGCONT) the same workers
    answer pages again."""
    neo4j = _neo4j_pid()
    with serving(_env(tmp_path, "neo4j", SANCTIONS_GRAPH_QUERY_TIMEOUT="2")) as served:
        both = workers(served.proc.pid)
        for worker in both:  # each worker has opened its own connection
            with served.through(worker):
                assert served.page("/", "?q=kim").status_code == 200
        os.kill(neo4j, signal.SIGSTOP)
        try:
            for worker in both:
                with served.through(worker):
                    started = time.monotonic()
                    answer = served.page("/", "?q=kim", timeout=30)
                    took = time.monotonic() - started
                assert answer.status_code == 200
                assert "The graph store did not answer within 5 s" in answer.text
                assert took < 8, f"the sentence came after {took:.1f} s"
        finally:
            os.kill(neo4j, signal.SIGCONT)
        deadline = time.monotonic() + 60
        for worker in both:
            with served.through(worker):
                while True:
                    answer = served.page("/", "?q=kim", timeout=30)
                    if answer.status_code == 200 and "did not answer" not in answer.text:
                        break
                    assert time.monotonic() < deadline, f"no recovery after SIGCONT: {answer.text[:300]}"
                    time.sleep(0.5)
        assert workers(served.proc.pid) == both  # the same workers: none was killed or replaced

"""The dashboard's guard against the Dash app's own Flask server (Flask's test client): hashing and the users file,
roles, the Host check, the CSRF (Origin) check, the security headers, the login and its rate limit, and the rule
that a dashboard beyond loopback needs users."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import flask
import pytest
from werkzeug.exceptions import Forbidden, Unauthorized

from dashboard.app import create_app
from dashboard.auth import LoginLimiter, Role, Security, User, UserError, UserFile, current_user, require_role
from graph import ConfigError, Settings
from graph.stores.memory_store import MemoryStore
from sanctions_graph.server import security_for

PASSWORD = "correct horse battery"
ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def users(tmp_path: Path) -> UserFile:
    file = UserFile(tmp_path / "users.json")
    file.add("ana", Role.ANALYST, PASSWORD)
    file.add("root", Role.ADMIN, PASSWORD + "!")
    return file


def _app(users: UserFile | None, **kw: Any) -> flask.Flask:
    app = create_app(MemoryStore(), security=Security(users=users, **kw))
    server: flask.Flask = app.server
    server.config["TESTING"] = True
    return server


def _login(client: Any, name: str, password: str, **headers: str) -> Any:
    return client.post(
        "/login", data={"username": name, "password": password, "next": "/paths"}, headers=headers or ORIGIN
    )


# --- users file -------------------------------------------------------------------------------------------------


def test_the_users_file_holds_only_salted_hashes_and_is_private(users: UserFile) -> None:
    text = users.path.read_text()
    assert PASSWORD not in text and text.count("scrypt:") == 2
    assert stat.S_IMODE(users.path.stat().st_mode) == 0o600
    hashes = [u["password_hash"] for u in json.loads(text)["users"]]
    assert len(set(hashes)) == 2
    assert users.authenticate("ana", PASSWORD) == users.users()["ana"]
    assert users.authenticate("ana", PASSWORD + "x") is None
    assert users.authenticate("nobody", PASSWORD) is None


def test_user_changes_are_checked_and_kept(users: UserFile) -> None:
    with pytest.raises(UserError, match="exists already"):
        users.add("ana", Role.ADMIN, PASSWORD)
    with pytest.raises(UserError, match="at least 12 characters"):
        users.add("bob", Role.ANALYST, "short")
    with pytest.raises(UserError, match="not a usable user name"):
        users.add("bad name", Role.ANALYST, PASSWORD)
    old = users.users()["ana"]
    users.set_password("ana", "another long password")
    assert users.users()["ana"].fingerprint != old.fingerprint
    assert users.authenticate("ana", "another long password") is not None
    users.remove("root")
    assert set(UserFile(users.path).users()) == {"ana"}
    with pytest.raises(UserError, match="No user 'root'"):
        users.remove("root")


def test_a_broken_users_file_names_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"users": [{"name": "ana", "role": "boss", "password_hash": "scrypt:x$y$z"}]}))
    with pytest.raises(ConfigError, match=r"users\.json: users\[0\]: field 'role'"):
        UserFile(path).users()


def test_roles_admin_can_do_what_an_analyst_does() -> None:
    assert User("a", Role.ADMIN).can(Role.ANALYST) and User("a", Role.ADMIN).can(Role.ADMIN)
    assert User("b", Role.ANALYST).can(Role.ANALYST) and not User("b", Role.ANALYST).can(Role.ADMIN)


# --- without users: open on loopback, as the demo and the tests use it ---------------------------------------------


def test_without_users_pages_are_open_and_the_local_operator_is_admin() -> None:
    server = _app(None)
    client = server.test_client()
    assert client.get("/").status_code == 200
    with server.test_request_context("/"):
        user = current_user()
        assert user is not None and user.role is Role.ADMIN
        assert require_role(Role.ADMIN) == user


# --- headers, host, CSRF ----------------------------------------------------------------------------------------


def test_every_answer_carries_the_security_headers() -> None:
    client = _app(None).test_client()
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "script-src 'self' 'sha256-" in csp and "'unsafe-eval'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers


def test_an_unknown_host_header_is_refused_dns_rebinding() -> None:
    client = _app(None).test_client()
    assert client.get("/", headers={"Host": "127.0.0.1:8050"}).status_code == 200
    assert client.get("/", headers={"Host": "[::1]:8050"}).status_code == 200
    refused = client.get("/_dash-layout", headers={"Host": "evil.example:8050"})
    assert refused.status_code == 400 and b"does not answer to the host name 'evil.example'" in refused.data
    allowed = _app(None, allowed_hosts=frozenset({"graph.team.lan"})).test_client()
    assert allowed.get("/", headers={"Host": "graph.team.lan"}).status_code == 200


def test_posts_from_another_site_are_refused() -> None:
    client = _app(None).test_client()
    body = {"output": "x", "outputs": [], "inputs": [], "changedPropIds": []}
    for origin in ("http://evil.example", "null", "http://localhost.evil.example"):
        refused = client.post("/_dash-update-component", json=body, headers={"Origin": origin})
        assert refused.status_code == 403 and b"Origin check" in refused.data
    refused = client.post("/_dash-update-component", json=body, headers={"Referer": "http://evil.example/page"})
    assert refused.status_code == 403


def test_with_users_a_post_without_origin_is_refused(users: UserFile) -> None:
    client = _app(users).test_client()
    response = client.post("/login", data={"username": "ana", "password": PASSWORD})
    assert response.status_code == 403


# --- login, session, roles, rate limit ----------------------------------------------------------------------------


def test_with_users_every_page_needs_a_login(users: UserFile) -> None:
    client = _app(users).test_client()
    page = client.get("/entity/x?hops=2")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")
    callback = client.post("/_dash-update-component", json={}, headers=ORIGIN)
    assert callback.status_code == 401 and b"log in" in callback.data
    assert client.get("/_dash-layout").status_code == 401  # what the page fetches: a sentence, no redirect
    form = client.get("/login")
    assert form.status_code == 200 and b'name="password"' in form.data


def test_login_sets_a_secure_session_cookie_and_opens_pages(users: UserFile) -> None:
    server = _app(users)
    client = server.test_client()
    wrong = _login(client, "ana", "nope nope nope")
    assert wrong.status_code == 401 and b"Wrong user name or password." in wrong.data
    ok = _login(client, "ana", PASSWORD)
    assert ok.status_code == 302 and ok.headers["Location"] == "/paths"
    cookie = ok.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert client.post("/logout", headers=ORIGIN).status_code == 302
    assert client.get("/").status_code == 302


def test_behind_https_the_cookie_is_secure_and_hsts_is_sent(users: UserFile) -> None:
    client = _app(users, https=True).test_client()
    ok = _login(client, "ana", PASSWORD)
    assert "Secure" in ok.headers["Set-Cookie"]
    assert ok.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_new_password_ends_the_old_sessions(users: UserFile) -> None:
    client = _app(users).test_client()
    _login(client, "ana", PASSWORD)
    assert client.get("/").status_code == 200
    users.set_password("ana", "a brand new password")
    assert client.get("/").status_code == 302


def test_login_redirects_only_within_the_site(users: UserFile) -> None:
    client = _app(users).test_client()
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = client.post("/login", data={"username": "ana", "password": PASSWORD, "next": target}, headers=ORIGIN)
        assert response.headers["Location"] == "/"
        client.post("/logout", headers=ORIGIN)


def test_require_role_tells_analysts_from_admins(users: UserFile) -> None:
    server = _app(users)

    @server.route("/test-admin-only")
    def admin_only() -> str:
        return require_role(Role.ADMIN).name

    client = server.test_client()
    assert client.get("/test-admin-only").status_code == 302  # nobody logged in: to the login page
    _login(client, "ana", PASSWORD)
    refused = client.get("/test-admin-only")
    assert refused.status_code == 403 and b"needs the admin role; ana is analyst" in refused.data
    client.post("/logout", headers=ORIGIN)
    _login(client, "root", PASSWORD + "!")
    assert client.get("/test-admin-only").data == b"root"
    with server.test_request_context("/"), pytest.raises(Unauthorized):
        require_role(Role.ANALYST)
    with server.test_request_context("/"):
        flask.g.sanctions_graph_user = User("ana", Role.ANALYST)
        with pytest.raises(Forbidden):
            require_role(Role.ADMIN)


def test_logins_are_rate_limited_per_address_and_user(users: UserFile) -> None:
    client = _app(users, limiter=LoginLimiter(attempts=3, window_s=600)).test_client()
    for _ in range(3):
        assert _login(client, "ana", "wrong password!").status_code == 401
    limited = _login(client, "ana", PASSWORD)  # even the right password waits
    assert limited.status_code == 429 and b"Too many failed logins" in limited.data
    assert _login(client, "root", PASSWORD + "!").status_code == 302  # another user is not blocked


def test_the_limiter_forgets_failures_after_its_window() -> None:
    now = [0.0]
    limiter = LoginLimiter(attempts=2, window_s=60, clock=lambda: now[0])
    limiter.failed("1.2.3.4", "ana")
    limiter.failed("1.2.3.4", "ANA")
    assert limiter.wait_s("1.2.3.4", "ana") == 60
    assert limiter.wait_s("5.6.7.8", "ana") == 0
    now[0] = 61
    assert limiter.wait_s("1.2.3.4", "ana") == 0


# --- serve's rule: beyond loopback only with users -------------------------------------------------------------------


def test_serving_beyond_loopback_needs_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SANCTIONS_GRAPH_USERS", raising=False)
    monkeypatch.delenv("SANCTIONS_GRAPH_SECRET_KEY", raising=False)
    settings = Settings(home=tmp_path)
    with pytest.raises(ConfigError, match=r"Refusing to listen on 0\.0\.0\.0 without users"):
        security_for(settings, "0.0.0.0", (), False)
    open_local = security_for(settings, "127.0.0.1", (), False)
    assert open_local.users is None and "localhost" in open_local.allowed_hosts
    UserFile(tmp_path / "users.json").add("ana", Role.ANALYST, PASSWORD)
    team = security_for(settings, "0.0.0.0", ("Graph.Team.LAN:8050",), True)
    assert team.users is not None and "graph.team.lan" in team.allowed_hosts and team.https
    assert team.secret_key == security_for(settings, "127.0.0.1", (), False).secret_key  # kept in the home
    assert stat.S_IMODE((tmp_path / "session_key").stat().st_mode) == 0o600

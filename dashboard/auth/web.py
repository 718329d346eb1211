"""The dashboard's front door, as Flask hooks on the Dash app's server: Host check (no DNS rebinding), CSRF check
on every state-changing request (Origin or Referer must be this site), login and sessions when there are users,
and the security headers (CSP with Dash's inline-script hashes, frame-ancestors, nosniff…) on every answer.

Without users (``Security.users is None``: the dashboard on loopback, the demo, the tests) nobody logs in and
``current_user()`` is the local operator, an admin: whoever reaches a loopback port sits at this machine.
"""

from __future__ import annotations

import getpass
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import flask
from dash import Dash
from markupsafe import escape
from werkzeug.exceptions import Forbidden, HTTPException, Unauthorized
from werkzeug.wrappers import Response as BaseResponse

from dashboard.auth.limits import LoginLimiter
from dashboard.auth.users import Role, User, UserFile

EXTENSION_KEY = "sanctions_graph_auth"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
SESSION_COOKIE = "sanctions_graph_session"
#: Paths served to someone not logged in: the login page itself.
OPEN_PATHS = frozenset({"/login"})
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _local_user() -> User:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "local"
    return User(name or "local", Role.ADMIN)


@dataclass(frozen=True)
class Security:
    """How the dashboard is guarded. The defaults fit loopback without users (the demo and the tests)."""

    users: UserFile | None = None
    allowed_hosts: frozenset[str] = LOOPBACK_HOSTS
    secret_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    https: bool = False  # behind a TLS proxy: Secure cookies and HSTS
    session_hours: float = 12.0
    limiter: LoginLimiter = field(default_factory=LoginLimiter, compare=False)


@dataclass
class _State:
    security: Security
    app: Dash
    local_user: User
    csp: str | None = None


def _state() -> _State:
    state = flask.current_app.extensions[EXTENSION_KEY]
    assert isinstance(state, _State)
    return state


def host_name(host: str) -> str:
    """The name in a Host header, without port or IPv6 brackets, lower case: '[::1]:8050' -> '::1'."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def same_site(source: str, host: str) -> bool:
    """Whether an Origin or Referer value names the site at ``host`` (a Host header value)."""
    try:
        parts = urlsplit(source)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and parts.netloc.lower() == host.strip().lower()


# --- who is asking -------------------------------------------------------------------------------------------------


def current_user() -> User | None:
    """The user of this request: None when nobody is logged in (only possible when there are users); without users
    the local operator (an admin)."""
    if "sanctions_graph_user" in flask.g:
        cached: User | None = flask.g.sanctions_graph_user
        return cached
    state = _state()
    user: User | None
    if state.security.users is None:
        user = state.local_user
    else:
        name, fingerprint = flask.session.get("user"), flask.session.get("fp")
        found = state.security.users.users().get(name) if isinstance(name, str) else None
        user = found if found is not None and found.fingerprint == fingerprint else None
    flask.g.sanctions_graph_user = user
    return user


def has_role(role: Role) -> bool:
    user = current_user()
    return user is not None and user.can(role)


def require_role(role: Role) -> User:
    """The user of this request if it has ``role`` (admin has every role); else 401 (nobody logged in) or 403,
    with a sentence. For callbacks and routes that change something: pass ``.name`` on as who did it."""
    user = current_user()
    if user is None:
        raise Unauthorized("Log in first.")
    if not user.can(role):
        raise Forbidden(f"This needs the {role.value} role; {user.name} is {user.role.value}.")
    return user


# --- the hooks -----------------------------------------------------------------------------------------------------


def _refuse(status: int, sentence: str) -> flask.Response:
    return flask.Response(sentence + "\n", status=status, mimetype="text/plain")


def _check_request() -> BaseResponse | None:
    state = _state()
    request = flask.request
    if host_name(request.host) not in state.security.allowed_hosts:
        return _refuse(
            400,
            f"This dashboard does not answer to the host name '{host_name(request.host)}' "
            "(add it with `serve --allowed-host`).",
        )
    if request.method in _UNSAFE_METHODS:
        # Browsers send Origin with every cross-site POST, so a foreign or "null" one is refused. Neither header
        # means a non-browser client (no CSRF there): accepted only when there are no users and so no session.
        source = request.headers.get("Origin") or request.headers.get("Referer")
        if (source is not None or state.security.users is not None) and not same_site(source or "", request.host):
            return _refuse(403, "Refused: this request did not come from a page of this dashboard (Origin check).")
    if state.security.users is None or request.path in OPEN_PATHS:
        return None
    if current_user() is None:
        if request.path.startswith("/_dash-") or request.method != "GET":
            return _refuse(401, "Your session has ended: reload the page and log in.")
        target = request.full_path if request.query_string else request.path
        return flask.redirect(flask.url_for("sanctions_graph_login", next=target))
    return None


def content_security_policy(app: Dash) -> str:
    """Scripts only from this site and Dash's own inline scripts (by hash); no framing, plugins or foreign forms.
    Styles allow inline: Dash components and cytoscape set styles on elements."""
    scripts = " ".join(["'self'", *app.csp_hashes()])  # the hashes come quoted
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def _headers(response: flask.Response) -> flask.Response:
    state = _state()
    if state.csp is None:  # computed at the first answer, once every clientside callback is registered
        state.csp = content_security_policy(state.app)
    h = response.headers
    h["Content-Security-Policy"] = state.csp
    h["X-Frame-Options"] = "DENY"
    h["X-Content-Type-Options"] = "nosniff"
    h["Referrer-Policy"] = "same-origin"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    if state.security.https:
        h["Strict-Transport-Security"] = "max-age=31536000"
    if state.security.users is not None and not flask.request.path.startswith(("/assets/", "/_dash-component")):
        h["Cache-Control"] = "no-store"
    return response


# --- login and logout ----------------------------------------------------------------------------------------------

_LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Log in · {title}</title>
<style>body{{font-family:system-ui,sans-serif;background:#f3f4f6;display:flex;justify-content:center;margin-top:12vh}}
form{{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002;width:20rem}}
label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.45rem;box-sizing:border-box}}
button{{margin-top:1.2rem;padding:.5rem 1.2rem}}.error{{color:#b91c1c}}</style></head>
<body><form method="post" action="/login"><h1>{title}</h1>{message}
<label for="username">User name</label><input id="username" name="username" autocomplete="username" value="{name}"
 required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password"
 autocomplete="current-password" required>
<input type="hidden" name="next" value="{next}"><button id="login-button" type="submit">Log in</button></form>
</body></html>"""


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never '//elsewhere' nor 'https://elsewhere'."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(title: str, status: int, message: str = "", name: str = "", target: str = "/") -> flask.Response:
    html = _LOGIN_PAGE.format(
        title=escape(title),
        message=f'<p class="error" role="alert">{escape(message)}</p>' if message else "",
        name=escape(name),
        next=escape(target),
    )
    return flask.Response(html, status=status, mimetype="text/html")


def _login(title: str) -> flask.Response | Any:
    state = _state()
    users = state.security.users
    if users is None:
        return flask.redirect("/")
    request = flask.request
    if request.method == "GET":
        return _login_page(title, 200, target=_safe_next(request.args.get("next")))
    name = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")[:1024]
    target = _safe_next(request.form.get("next"))
    address = request.remote_addr or "?"
    wait = state.security.limiter.wait_s(address, name)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        message = f"Too many failed logins for this user from your address: try again in {minutes} min."
        return _login_page(title, 429, message, name, target)
    user = users.authenticate(name, password)
    if user is None:
        state.security.limiter.failed(address, name)
        return _login_page(title, 401, "Wrong user name or password.", name, target)
    state.security.limiter.succeeded(address, name)
    flask.session.clear()
    flask.session.permanent = True
    flask.session["user"] = user.name
    flask.session["fp"] = user.fingerprint
    return flask.redirect(target)


def _logout() -> Any:
    flask.session.clear()
    return flask.redirect("/login")


def _http_error(exc: HTTPException) -> flask.Response:
    return _refuse(exc.code or 500, exc.description or exc.name)


def protect(app: Dash, security: Security, title: str = "sanctions-graph") -> None:
    """Install the checks, login routes, session settings and headers on ``app``'s server."""
    server = app.server
    server.secret_key = security.secret_key
    server.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=security.https,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=security.session_hours),
    )
    server.extensions[EXTENSION_KEY] = _State(security, app, _local_user())
    server.before_request(_check_request)
    server.after_request(_headers)
    server.add_url_rule(
        "/login", "sanctions_graph_login", lambda: _login(title), methods=["GET", "POST"], strict_slashes=False
    )
    server.add_url_rule("/logout", "sanctions_graph_logout", _logout, methods=["POST"])
    server.register_error_handler(Unauthorized, _http_error)
    server.register_error_handler(Forbidden, _http_error)

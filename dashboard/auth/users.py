"""Dashboard users: names, roles and hashed passwords in one JSON file (``users.json`` under the store home, or the
path in ``SANCTIONS_GRAPH_USERS``), managed by `sanctions-graph users add|list|remove|passwd`.

Passwords are hashed with werkzeug's scrypt (a salted, memory-hard hash); the file never holds a password. It is
written atomically with mode 0600, so a reader never sees half a file and other local users cannot read the hashes.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from graph import ConfigError, SanctionsGraphError

USERS_ENV = "SANCTIONS_GRAPH_USERS"
USERS_FILE = "users.json"
HASH_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 12
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
#: Checked against when the user is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anyone", method=HASH_METHOD)


class Role(StrEnum):
    """analyst: read, notes, reviews; admin: what an analyst does, plus loads, deletes and users."""

    ANALYST = "analyst"
    ADMIN = "admin"

    def allows(self, needed: Role) -> bool:
        return self is Role.ADMIN or needed is Role.ANALYST


class UserError(SanctionsGraphError):
    """A user command that cannot be done (unknown or existing name, weak password): one sentence."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    password_hash: str = ""

    @property
    def fingerprint(self) -> str:
        """Part of the hash kept in the session cookie: a new password ends the sessions opened with the old one."""
        return self.password_hash[-16:]

    def can(self, needed: Role) -> bool:
        return self.role.allows(needed)


def users_path(home: Path, env: Mapping[str, str] | None = None) -> Path:
    """``$SANCTIONS_GRAPH_USERS`` if set, else ``users.json`` in the store home."""
    e = os.environ if env is None else env
    given = e.get(USERS_ENV, "").strip()
    return Path(given).expanduser() if given else home / USERS_FILE


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise UserError(
            f"'{name}' is not a usable user name: 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter "
            "or digit."
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.")
    return password


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise UserError(f"Unknown role '{text}': choose analyst or admin.") from None


class UserFile:
    """The users file. Reads are cached until the file changes (mtime and size), so each request costs a stat."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._users: dict[str, User] = {}

    def exists(self) -> bool:
        return self.path.is_file()

    def users(self) -> dict[str, User]:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return {}
        key = (st.st_mtime_ns, st.st_size)
        with self._lock:
            if key != self._seen:
                self._users = self._parse()
                self._seen = key
            return dict(self._users)

    def _parse(self) -> dict[str, User]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{self.path}: the users file cannot be read: {exc}.") from exc
        entries = data.get("users") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ConfigError(f"{self.path}: the users file must be an object with a 'users' list.")
        found: dict[str, User] = {}
        for i, entry in enumerate(entries):
            where = f"{self.path}: users[{i}]"
            if not isinstance(entry, dict):
                raise ConfigError(f"{where} is not an object.")
            name, role, hashed = entry.get("name"), entry.get("role"), entry.get("password_hash")
            if not isinstance(name, str) or not _NAME.match(name):
                raise ConfigError(f"{where}: field 'name' is missing or not a usable user name.")
            if role not in {r.value for r in Role}:
                raise ConfigError(f"{where}: field 'role' must be 'analyst' or 'admin', not {role!r}.")
            if not isinstance(hashed, str) or "$" not in hashed:
                raise ConfigError(f"{where}: field 'password_hash' is missing or not a password hash.")
            found[name] = User(name, Role(role), hashed)
        return found

    def authenticate(self, name: str, password: str) -> User | None:
        user = self.users().get(name)
        if user is None:
            check_password_hash(_DUMMY_HASH, password)
            return None
        return user if check_password_hash(user.password_hash, password) else None

    # --- changes (the `users` command) --------------------------------------------------------------------------

    def add(self, name: str, role: Role, password: str) -> User:
        users = self.users()
        if check_name(name) in users:
            raise UserError(
                f"User '{name}' exists already: `sanctions-graph users passwd {name}` changes its password."
            )
        user = User(name, role, generate_password_hash(check_password(password), method=HASH_METHOD))
        users[name] = user
        self._save(users)
        return user

    def remove(self, name: str) -> None:
        users = self.users()
        self._known(users, name)
        del users[name]
        self._save(users)

    def set_password(self, name: str, password: str) -> None:
        users = self.users()
        old = self._known(users, name)
        users[name] = User(name, old.role, generate_password_hash(check_password(password), method=HASH_METHOD))
        self._save(users)

    def _known(self, users: dict[str, User], name: str) -> User:
        if name not in users:
            raise UserError(f"No user '{name}' in {self.path}.")
        return users[name]

    def _save(self, users: dict[str, User]) -> None:
        data = {
            "users": [
                {"name": u.name, "role": u.role.value, "password_hash": u.password_hash}
                for u in sorted(users.values(), key=lambda u: u.name)
            ]
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".users-", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=2)
                out.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        with self._lock:
            self._seen = None

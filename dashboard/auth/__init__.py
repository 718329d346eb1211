"""Who may use the dashboard: users and roles (``users``), the login and the request checks (``web``).

Pages that change something call ``require_role(Role.ANALYST)`` (notes, reviews) or ``require_role(Role.ADMIN)``
and record ``.name`` of the user it returns; ``current_user()`` tells who is asking (None: nobody logged in).
"""

from dashboard.auth.limits import LoginLimiter
from dashboard.auth.users import (
    USERS_ENV,
    Role,
    User,
    UserError,
    UserFile,
    parse_role,
    users_path,
)
from dashboard.auth.web import (
    LOOPBACK_HOSTS,
    Security,
    current_user,
    has_role,
    host_name,
    protect,
    require_role,
)

__all__ = [
    "LOOPBACK_HOSTS",
    "USERS_ENV",
    "LoginLimiter",
    "Role",
    "Security",
    "User",
    "UserError",
    "UserFile",
    "current_user",
    "has_role",
    "host_name",
    "parse_role",
    "protect",
    "require_role",
    "users_path",
]

# Sourced by scripts/demo and scripts/test: make .venv with Python >= 3.11 and install the project into it.
# Usage: source scripts/_venv.sh [EXTRA]   (EXTRA: pip extra to install, e.g. "test")
# Bash hands a script's own arguments to a file it sources without any, so scripts/demo sources this from a function
# called without arguments (its --port must not become a pip extra).
# The install is skipped when .venv already has it and pyproject.toml has not changed since (a stamp in .venv).
_py="${PYTHON:-}"
if [ -z "$_py" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then _py="$candidate"; break; fi
  done
fi
if ! "$_py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "sanctions-graph needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $("$_py" --version)"
  "$_py" -m venv .venv
fi
_extra="${1:-}"
case "$_extra" in
  -*|*[!a-z0-9_-]*) echo "scripts/_venv.sh: '$_extra' is not a pip extra (source it from a function without arguments)" >&2; exit 2 ;;
esac
_target="."
[ -n "$_extra" ] && _target=".[$_extra]"
_stamp=".venv/.sanctions-graph-installed-${_extra:-base}"
_fresh=""
# an install with any extra includes the plain one
for _s in $([ -n "$_extra" ] && echo "$_stamp" || echo .venv/.sanctions-graph-installed-*); do
  if [ -f "$_s" ] && [ "$_s" -nt pyproject.toml ]; then _fresh=1; fi
done
if [ -n "$_fresh" ] && [ -x .venv/bin/sanctions-graph ]; then
  echo "== sanctions-graph${_extra:+ with [$_extra]} is installed in .venv (pyproject.toml unchanged since)"
else
  # A .venv shared with another checkout (a symlink, or a copy) must not be repointed at this one behind its back.
  _owner="$(.venv/bin/python -I -c 'import pathlib, sanctions_graph; print(pathlib.Path(sanctions_graph.__file__).resolve().parents[1])' 2>/dev/null || true)"
  if [ -n "$_owner" ] && [ -d "$_owner" ] && [ "$_owner" != "$(pwd -P)" ]; then
    echo "scripts/_venv.sh: .venv has sanctions-graph installed from $_owner, another checkout; not reinstalling it from here (use this checkout's own .venv, or remove .venv)." >&2
    exit 2
  fi
  echo "== installing sanctions-graph${_extra:+ with [$_extra]} into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$_target"
  touch "$_stamp"
fi

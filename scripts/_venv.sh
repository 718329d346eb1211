# Sourced by scripts/demo and scripts/test: make .venv with Python >= 3.11 and install the project into it.
# Usage: source scripts/_venv.sh [EXTRA]   (EXTRA: pip extra to install, e.g. "test")
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
_target="."
[ -n "$_extra" ] && _target=".[$_extra]"
echo "== installing sanctions-graph${_extra:+ with [$_extra]} into .venv"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$_target"

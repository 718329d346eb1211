"""Text from the data, made safe for a terminal: control characters (ESC sequences that recolour, move the cursor or
retitle the window; a carriage return that overwrites a line; NUL…) and the bidirectional overrides that reorder
what is shown are written as visible escapes instead of being sent raw."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates, line/paragraph separators
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """``text`` with every control or direction-changing character written as a visible escape (``\\x1b``)."""
    return _UNSAFE.sub(_escape, text)

"""The hostile-input corpus: XSS and injection payloads (Cypher, CSV formulas, terminal escapes, path traversal,
template and log injection), combined with wrappers so that each appears alone, inside text and around quotes."""

from __future__ import annotations

_BASE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert&#40;1&#41;</script>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<meta http-equiv=refresh content=0;url=http://evil.example>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "' OR 1=1 //",
    '" OR ""="',
    "x'}) MATCH (n) DETACH DELETE n //",
    'x"}) MATCH (n) DETACH DELETE n //',
    "`) DETACH DELETE n //",
    "$id",
    "{id: 'x'}",
    "CALL db.labels()",
    "'; DROP TABLE entities; --",
    "=1+9013",
    "@SUM(1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    '=HYPERLINK("http://evil.example","click")',
    "\x1b[31mred\x1b[0m",
    "\x1b]0;owned\x07",
    "line\roverwrite",
    "\u202eevil\u202c",
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%00%0d%0aSet-Cookie: a=b",
    "\r\nX-Injected: 1",
    '<!--#exec cmd="ls"-->',
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    "]]><x>",
    "%s%s%s%n",
    "{0.__class__}",
]
_WRAPS = ["{}", "Acme {} Ltd", "{}{}", "x{}y", "{} 2"]


def payloads() -> list[str]:
    """Every payload in every wrapper (distinct, in a stable order): the corpus."""
    out = [w.format(p, p) if w.count("{}") == 2 else w.format(p) for p in _BASE for w in _WRAPS]
    return list(dict.fromkeys(out))

"""No automatic cyclic garbage collection while a request is answered (``install``).

Drawing a big view allocates hundreds of thousands of objects that stay alive until its response is written: the
store's rows, the working graph, the cytoscape elements. Python's cyclic collector runs every 700 allocations, and
whenever enough objects survived it walks everything alive in the process: for the 1,933-node entity page that was
2-3 full collections of 60-300 ms each, 30-40% of the request's CPU, for nothing: those objects are freed by
reference counting as soon as the response is written (a view makes no reference cycles). So automatic collection is
off while a request is answered and back on when it ends; cycles made meanwhile go at the next collection.

With requests answered at once (the server's threads), the first one to end switches collection back on, so it is
never off for longer than one request; collection switched off by someone else stays off.
"""

from __future__ import annotations

import gc

from flask import Flask, g

#: Set on the request (flask.g) that switched collection off; that request switches it back on.
_PAUSED = "sg_gc_paused"


def pause() -> None:
    if gc.isenabled():
        gc.disable()
        setattr(g, _PAUSED, True)


def resume(_error: BaseException | None = None) -> None:
    if g.pop(_PAUSED, False):
        gc.enable()


def install(server: Flask) -> None:
    """Switch automatic garbage collection off for each request of ``server`` (see the module's docstring)."""
    server.before_request(pause)
    server.teardown_request(resume)

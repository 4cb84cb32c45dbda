"""The browser of the request being served: its user agent, and the device id the gateway gives
a browser that signs in through the web front end (domain/browsers.py).

Like the request and correlation ids (lka_common.context), this is a fact about the request that
use cases deep in the sign-in path need (the session keeps the user agent for the session list;
the letter about a new browser needs both), and the routes that call them do not pass it on: a
middleware binds it once per request (entrypoints/dependencies.py) and the use cases read it here.
Outside a request (commands, tests of the service layer) it is an unknown browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from lka_identity.domain.browsers import Browser

_UNKNOWN = Browser()
_CURRENT: ContextVar[Browser | None] = ContextVar("lka_identity_browser", default=None)


def current() -> Browser:
    return _CURRENT.get() or _UNKNOWN


@contextmanager
def serving(browser: Browser) -> Iterator[None]:
    token = _CURRENT.set(browser)
    try:
        yield
    finally:
        _CURRENT.reset(token)

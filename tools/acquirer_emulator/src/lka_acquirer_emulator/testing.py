"""For tests (the emulator's and the payments service's): the emulator served in-process, and a
payer's browser without JavaScript that fetches the card page, posts it and follows redirects.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp import web

from lka_acquirer_emulator.app import build_app
from lka_acquirer_emulator.settings import EmulatorSettings
from lka_acquirer_emulator.state import GATEWAY, Gateway

_ACTION_RE = re.compile(r'<form method="post" action="([^"]+)"')


def card_form(pan: str, **fields: str) -> dict[str, str]:
    """The card page's fields as a payer fills them: any future expiry and any three-digit CVC
    pass (README.md, test cards); `fields` change or add others (expiry, cvc, cardholder)."""
    return {"pan": pan, "expiry": "12/30", "cvc": "123", "cardholder": "IVAN IVANOV", **fields}


@dataclass
class RunningEmulator:
    url: str
    gateway: Gateway


@asynccontextmanager
async def running_emulator(settings: EmulatorSettings | None = None) -> AsyncIterator[RunningEmulator]:
    """The emulator on 127.0.0.1:<free port> in this event loop, until the block ends."""
    app = build_app(settings or EmulatorSettings(port=0))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield RunningEmulator(f"http://127.0.0.1:{port}", app[GATEWAY])
    finally:
        await runner.cleanup()


@dataclass
class Visit:
    """Where the browser ended: the URL outside the bank it was sent to, and the last page."""

    final_url: str
    page: str
    status: int


class Browser:
    """A browser without JavaScript: it submits the page's only form and follows 303s."""

    def __init__(self, http: aiohttp.ClientSession) -> None:
        self._http = http

    async def pay(self, form_url: str, *steps: dict[str, str]) -> Visit:
        """Open `form_url`, then post each step's fields into the form of the page at hand.
        Stops at the first redirect leaving the bank's host (the merchant's return page)."""
        url, page, status = form_url, "", 0
        async with self._http.get(url) as response:
            page, status = await response.text(), response.status
        for fields in steps:
            match = _ACTION_RE.search(page)
            if match is None:
                return Visit(url, page, status)
            url = urljoin(url, match.group(1).replace("&amp;", "&"))
            async with self._http.post(url, data=fields, allow_redirects=False) as response:
                page, status = await response.text(), response.status
                location = response.headers.get("Location")
            while location is not None:
                url = urljoin(url, location)
                if urlsplit(url).netloc != urlsplit(form_url).netloc:
                    return Visit(url, page, status)
                async with self._http.get(url, allow_redirects=False) as response:
                    page, status = await response.text(), response.status
                    location = response.headers.get("Location")
        return Visit(url, page, status)

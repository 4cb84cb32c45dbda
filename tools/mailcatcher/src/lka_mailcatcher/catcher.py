"""The mail catcher as one object: the store plus its SMTP and HTTP servers on one loop.

Ports may be 0, so tests run a catcher of their own beside the one `make run` started;
the ports actually bound are in `smtp_port` and `http_port` after `start()`.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from lka_mailcatcher.smtp import start_smtp_server
from lka_mailcatcher.store import LetterStore
from lka_mailcatcher.web import build_app


class MailCatcher:
    def __init__(self, max_messages: int = 1000) -> None:
        self.store = LetterStore(max_messages)
        self.host = ""
        self.smtp_port = 0
        self.http_port = 0
        self._smtp: asyncio.Server | None = None
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, smtp_port: int, http_port: int) -> None:
        self._smtp = await start_smtp_server(self.store, host, smtp_port)
        try:
            runner = web.AppRunner(build_app(self.store), access_log=None)
            await runner.setup()
            self._runner = runner
            await web.TCPSite(runner, host, http_port).start()
        except BaseException:
            # A taken HTTP port must not leave the SMTP port bound behind it.
            await self.stop()
            raise
        self.host = host
        self.smtp_port = _bound_port(self._smtp.sockets[0].getsockname())
        self.http_port = _bound_port(runner.addresses[0])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._smtp is not None:
            self._smtp.close()
            await self._smtp.wait_closed()
            self._smtp = None

    async def __aenter__(self) -> MailCatcher:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()


def _bound_port(sockname: object) -> int:
    # getsockname() is (host, port) for IPv4 and (host, port, flow, scope) for IPv6.
    assert isinstance(sockname, tuple)
    port = sockname[1]
    assert isinstance(port, int)
    return port

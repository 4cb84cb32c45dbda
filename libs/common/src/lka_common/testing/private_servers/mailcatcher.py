"""The development mail catcher as a subprocess on free ports, for counting letters."""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any, Self

import aiohttp

from lka_common.testing.private_servers._util import port_open
from lka_common.testing.processes import ServiceProcess, free_port


class PrivateMailCatcher:
    """`python -m lka_mailcatcher` on free ports, for counting the letters a process sends."""

    def __init__(self, max_messages: int = 100_000) -> None:
        self.smtp_port = free_port()
        self.http_port = free_port()
        self.process = ServiceProcess.module(
            "mailcatcher",
            "lka_mailcatcher",
            {
                "LKA_MAILCATCHER_SMTP_PORT": str(self.smtp_port),
                "LKA_MAILCATCHER_HTTP_PORT": str(self.http_port),
                "LKA_MAILCATCHER_MAX_MESSAGES": str(max_messages),
            },
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, timeout: float = 20) -> None:
        self.process.start()
        deadline = time.monotonic() + timeout
        while not (port_open(self.smtp_port) and port_open(self.http_port)):
            if self.process.popen is not None and self.process.popen.poll() is not None:
                raise RuntimeError(f"mail catcher exited:\n{self.process.text()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"mail catcher did not start in {timeout}s:\n{self.process.text()[-3000:]}")
            time.sleep(0.05)

    async def letters(self) -> list[dict[str, Any]]:
        async with aiohttp.ClientSession() as session, session.get(f"{self.base_url}/api/messages") as response:
            response.raise_for_status()
            letters: list[dict[str, Any]] = await response.json()
            return letters

    async def clear(self) -> None:
        async with aiohttp.ClientSession() as session, session.delete(f"{self.base_url}/api/messages") as response:
            response.raise_for_status()

    def cleanup(self) -> None:
        self.process.cleanup()

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()

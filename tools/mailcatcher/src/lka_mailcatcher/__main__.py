"""`python -m lka_mailcatcher`: the mail catcher of the development stack, until SIGTERM/SIGINT.

Started by `make run` (tools/devstack) on 127.0.0.1:1025 (SMTP) and :8025 (HTTP); the
notifications service sends its letters there instead of to a real relay.
"""

from __future__ import annotations

import asyncio
import signal

import structlog

from lka_common.logging import configure_logging
from lka_mailcatcher.catcher import MailCatcher
from lka_mailcatcher.settings import MailCatcherSettings

log = structlog.get_logger(__name__)


async def serve(settings: MailCatcherSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    catcher = MailCatcher(settings.max_messages)
    await catcher.start(settings.host, settings.smtp_port, settings.http_port)
    try:
        log.info(
            "mailcatcher_started",
            smtp=f"{catcher.host}:{catcher.smtp_port}",
            http=f"http://{catcher.host}:{catcher.http_port}/",
        )
        await stop.wait()
    finally:
        await catcher.stop()
        log.info("mailcatcher_stopped")


def main() -> None:
    settings = MailCatcherSettings()
    configure_logging("mailcatcher", settings.log_level)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()

"""`python -m lka_acquirer_emulator`: the emulated acquirer of the development stack.

Started by `make run` (tools/devstack) on 127.0.0.1:8090; the payments service registers its
orders here and payers' browsers are sent to its card page. Never part of a production deployment.
"""

from __future__ import annotations

import asyncio
import signal

import structlog
from aiohttp import web

from lka_acquirer_emulator.app import build_app
from lka_acquirer_emulator.settings import EmulatorSettings
from lka_common.logging import configure_logging

log = structlog.get_logger(__name__)


async def serve(settings: EmulatorSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # No access log: the card page's URL carries no card data, but there is no need to keep it.
    runner = web.AppRunner(build_app(settings), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    try:
        log.info("acquirer_emulator_started", url=f"http://{settings.host}:{settings.port}/")
        await stop.wait()
    finally:
        await runner.cleanup()
        log.info("acquirer_emulator_stopped")


def main() -> None:
    settings = EmulatorSettings()
    configure_logging("acquirer-emulator", settings.log_level)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()

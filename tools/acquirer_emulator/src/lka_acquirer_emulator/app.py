"""The emulator's aiohttp application: bank API (orders, bindings, SBP), card pages, control endpoints, probe."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from lka_acquirer_emulator import control, pages, registry, rest, rest_bindings, sbp
from lka_acquirer_emulator.settings import EmulatorSettings
from lka_acquirer_emulator.state import GATEWAY, Gateway


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build_app(settings: EmulatorSettings | None = None) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    app[GATEWAY] = Gateway(settings or EmulatorSettings())

    async def stop_callbacks(app: web.Application) -> AsyncIterator[None]:
        yield
        await app[GATEWAY].callbacks.close()

    app.cleanup_ctx.append(stop_callbacks)
    app.router.add_get("/healthz", healthz)
    app.add_routes(
        rest.routes() + rest_bindings.routes() + sbp.routes() + pages.routes() + control.routes() + registry.routes()
    )
    return app

"""`/metrics` of the gateway on a port of its own (`metrics_port`), never on the public one.

The gateway's port is the internet's: call counts by route and status, failures by service and
the rate-limit refusals would tell an outsider how the portal is doing and what hurts it. So a
small listener in the same process (the same registry) serves them to Prometheus on another
port, which only the monitoring network can reach (deploy/k8s NetworkPolicy `gateway-ingress`);
on the public port `/metrics` is an unknown path like any other.
"""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from lka_gateway.settings import GatewaySettings


async def _metrics(_: web.Request) -> web.Response:
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


class MetricsListener:
    """A part of the gateway app (app.Part): listens from the app's start to its end. Port 0
    takes any free port (tests), which `port` then says."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._host = settings.host
        self._requested_port = settings.metrics_port
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", _metrics)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._requested_port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise  # a port taken is a start-up failure, as the public port's would be
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def ready(self) -> bool:
        # Metrics are no reason to take the gateway out of rotation.
        return True

"""The calls the gateway answers itself, from several services' answers (routes.GATEWAY in the
routing table): today `GET /operator/jobs` (jobs.py).

They are routed, authenticated and rate-limited like every other call (app.api_chain); only
at the end, where the proxy would pass a call on, they go to a small FastAPI app of their own
instead, which validates the query as the services do and documents the answer's shape. Its
document joins the services' in `/api/openapi.json` (openapi_merge.gateway_document).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from lka_common.problems import install_problem_handlers
from lka_gateway import jobs
from lka_gateway.proxy import UpstreamProxy
from lka_gateway.routes import GATEWAY, Route
from lka_gateway.settings import GatewaySettings


def own_api(proxy: UpstreamProxy | None = None, settings: GatewaySettings | None = None) -> FastAPI:
    """The composed calls' app; without a proxy and settings, only for its document."""
    app = FastAPI(title="LKA gateway", version="1.0.0", openapi_url=None, docs_url=None, redoc_url=None)
    install_problem_handlers(app)
    app.include_router(jobs.router)
    if proxy is not None and settings is not None:
        app.state.jobs_sources = jobs.JobsSources(proxy, settings)
    return app


@cache
def own_document() -> dict[str, Any]:
    document: dict[str, Any] = own_api().openapi()
    return document


class ComposedCalls:
    """Plain ASGI, where the proxy stands in the chain: a composed route's call to `own`,
    every other call to the proxy."""

    def __init__(self, own: ASGIApp, proxy: ASGIApp) -> None:
        self.own = own
        self.proxy = proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: Route = scope["route"]
        await (self.own if route.service == GATEWAY else self.proxy)(scope, receive, send)

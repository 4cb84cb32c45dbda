"""Gateway shapes that `gateway_hop.py` compares with the shipped one, built from its parts.

What ships is `lka_gateway.app.create_app` (run as `python -m lka_gateway`). These answer
"what if": the same proxy behind FastAPI's routing and StreamingResponse (the idiomatic
FastAPI proxy), the same without streaming the answer (to tell FastAPI's routing from the
streaming response's cost), and the shipped shape without the shared request middleware.
"""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
from fastapi import FastAPI, Request, Response
from starlette.background import BackgroundTask
from starlette.responses import StreamingResponse
from starlette.types import ASGIApp

from lka_common import context
from lka_common.problems import Problem
from lka_common.web import RequestContextMiddleware
from lka_gateway import headers
from lka_gateway.app import Gateway, api_chain, site_app
from lka_gateway.failures import upstream_problem
from lka_gateway.proxy import UpstreamProxy
from lka_gateway.routes import match
from lka_gateway.settings import GatewaySettings

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def fastapi_catch_all(settings: GatewaySettings) -> ASGIApp:
    """The idiomatic FastAPI proxy: one catch-all route, Request in, StreamingResponse out."""
    proxy = UpstreamProxy(settings)
    app = site_app(proxy)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)

    @app.api_route("/api/v1/{path:path}", methods=METHODS, include_in_schema=False)
    async def forward(request: Request) -> Response:
        route = match(request.url.path)
        if route is None:
            raise Problem(404)
        request.scope["route"] = route
        request_id = context.current_ids()["request_id"]
        has_body = "content-length" in request.headers or "transfer-encoding" in request.headers
        try:
            upstream = await proxy.session.request(
                request.method,
                proxy.upstream_url(route, request.scope),
                headers=headers.to_upstream(request.scope, request_id),
                data=request.stream() if has_body else None,
                allow_redirects=False,
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            return upstream_problem(exc, route.service).response()
        response = StreamingResponse(
            upstream.content.iter_any(), status_code=upstream.status, background=BackgroundTask(upstream.release)
        )
        response.raw_headers = headers.to_caller(upstream.raw_headers)
        return response

    return app


def fastapi_buffered(settings: GatewaySettings) -> ASGIApp:
    """Like `fastapi_catch_all`, but the answer is read whole first: breaks the streaming
    requirement, measured only to show where the catch-all's cost lies."""
    proxy = UpstreamProxy(settings)
    app = site_app(proxy)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)

    @app.api_route("/api/v1/{path:path}", methods=METHODS, include_in_schema=False)
    async def forward(request: Request) -> Response:
        route = match(request.url.path)
        if route is None:
            raise Problem(404)
        request.scope["route"] = route
        request_id = context.current_ids()["request_id"]
        async with proxy.session.request(
            request.method,
            proxy.upstream_url(route, request.scope),
            headers=headers.to_upstream(request.scope, request_id),
            data=await request.body() or None,
            allow_redirects=False,
        ) as upstream:
            response = Response(await upstream.read(), status_code=upstream.status)
            response.raw_headers = headers.to_caller(upstream.raw_headers)
            return response

    return app


def asgi_without_request_middleware(settings: GatewaySettings) -> ASGIApp:
    proxy = UpstreamProxy(settings)
    return Gateway(api=api_chain(proxy), site=site_app(proxy))


VARIANTS: dict[str, Callable[[GatewaySettings], ASGIApp | FastAPI]] = {
    "fastapi": fastapi_catch_all,
    "fastapi-buffered": fastapi_buffered,
    "asgi-bare": asgi_without_request_middleware,
}

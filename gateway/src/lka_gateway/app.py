"""The gateway's ASGI application.

Calls under `/api/` take the short way: a table lookup, the token check for the routes that
need one (authentication.py), then the proxy, all plain ASGI, because the hop's cost is per
call: a FastAPI catch-all route with a StreamingResponse costs several times the CPU of this
path (docs/benchmarks.md, "Gateway hop"). Everything else
(probes, the web front end and the aggregated OpenAPI) is a small FastAPI app; `/metrics`
is not among it: it has a listener of its own on another port (metrics_listener.py). The
shared request middleware wraps both: X-Request-ID, the body limit, the request id bound to
every log line, metrics per route template, and a problem document for anything unhandled.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Protocol

from fastapi import FastAPI, Response
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from lka_common import readiness, tracing
from lka_common.body_limits import UploadRoute
from lka_common.client_address import Network, from_scope, parse_networks
from lka_common.problems import Problem, install_problem_handlers
from lka_common.web import RequestContextMiddleware
from lka_gateway import api_docs
from lka_gateway.authentication import EdgeAuth
from lka_gateway.composed import ComposedCalls, own_api
from lka_gateway.edge_headers import EdgeHeaders
from lka_gateway.headers import CLIENT_SCOPE_KEY
from lka_gateway.limits import RateLimits
from lka_gateway.metrics_listener import MetricsListener
from lka_gateway.openapi import OPENAPI_PATH, ServiceDocs
from lka_gateway.proxy import UpstreamProxy
from lka_gateway.routes import API_PREFIX, UPLOAD_ROUTES, match
from lka_gateway.sessions import SessionCookies
from lka_gateway.settings import GatewaySettings
from lka_gateway.web_app import WebApp

# Served by the site app although under `/api/`: documents about the API, not calls of it.
SITE_PATHS_UNDER_API = frozenset({OPENAPI_PATH, api_docs.DOCS_PATH, api_docs.DOCS_CSS_PATH})


class Gateway:
    """Sends `/api/...` to the API chain when the routing table knows the path and method,
    else 404 or 405; every other path and the lifespan go to the site app. A routed call's
    client address is decided here, once (`trusted` networks: LKA_TRUSTED_PROXIES), for the
    limits and for the `X-Forwarded-For` the service gets."""

    def __init__(self, api: ASGIApp, site: ASGIApp, trusted: Sequence[Network] = ()) -> None:
        self.api = api
        self.site = site
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/") and scope["path"] not in SITE_PATHS_UNDER_API:
            route = match(scope["path"])
            if route is None:
                # Before any token check: an unknown path is 404 with or without a token.
                await Problem(404).response()(scope, receive, send)
                return
            if scope["method"] not in route.methods:
                # Also before the token check: what the path offers is no secret.
                problem = Problem(405, headers={"Allow": route.allow})
                await problem.response()(scope, receive, send)
                return
            scope["route"] = route
            tracing.name_server_span(scope["method"], route.path)
            scope[CLIENT_SCOPE_KEY] = from_scope(scope, self.trusted)
            await self.api(scope, receive, send)
            return
        await self.site(scope, receive, send)


class Part(Protocol):
    """Something the gateway starts with the app, stops with it, and asks for readiness."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    @property
    def ready(self) -> bool: ...


def api_chain(
    proxy: UpstreamProxy,
    edge: EdgeAuth | None = None,
    limits: RateLimits | None = None,
    sessions: SessionCookies | None = None,
    own: ASGIApp | None = None,
) -> ASGIApp:
    """What a routed call passes through on its way to the service.

    Each step is a plain ASGI middleware wrapped around the proxy here, in this order: the
    browser session's cookies made into a Bearer header (`sessions`), the token check with
    the revocation list (`edge`), then the rate limits (per user, so after the check).
    They run after routing, so they can read `scope["route"]` (which template, which
    service, who may call). At the end, the calls the gateway answers itself (`own`,
    composed.py) leave the proxy's way. The optional steps are None only in the
    benchmark's what-if variants (benchmarks/gateway_variants.py), which compare shapes of
    the proxy path.
    """
    app: ASGIApp = ComposedCalls(own, proxy) if own is not None else proxy
    app = limits.guard(app) if limits is not None else app
    app = edge.guard(app) if edge is not None else app
    return sessions.guard(app) if sessions is not None else app


def site_app(*parts: Part, docs: ServiceDocs | None = None, web: WebApp | None = None) -> FastAPI:
    """Probes, the merged OpenAPI (`docs`) and the web front end (`web`, every path nothing
    else took); owns the lifespan, so the proxy's session, the revocation feed and the
    metrics listener live as long as the app."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if web is not None:
            web.load()
        async with AsyncExitStack() as stack:
            for part in parts:
                await part.start()
                stack.push_async_callback(part.close)
            yield

    # No OpenAPI of its own: `/api/openapi.json` is the services' documents merged (openapi_merge.py).
    app = FastAPI(title="LKA gateway", lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)
    install_problem_handlers(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        # The gateway's own readiness only: a service that is down is that service's 503,
        # and taking the gateway out of rotation would not bring it back. Not ready before
        # the revocation list is loaded: a fresh replica would let ended sessions through.
        if readiness.observe("gateway", all(part.ready for part in parts)):
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "not ready"}, status_code=503)

    if docs is not None:
        started = docs

        @app.get(OPENAPI_PATH, include_in_schema=False)
        async def openapi() -> JSONResponse:
            return JSONResponse(await started.document())

        @app.get(api_docs.DOCS_PATH, include_in_schema=False)
        async def docs_page() -> HTMLResponse:
            return HTMLResponse(api_docs.render(await started.document()))

        @app.get(api_docs.DOCS_CSS_PATH, include_in_schema=False)
        async def docs_stylesheet() -> Response:
            return Response(api_docs.STYLESHEET, media_type="text/css; charset=utf-8")

    if web is not None:
        # Last: the routes above keep their paths, everything else is the web app's.
        app.mount("/", web)
    return app


def create_app(settings: GatewaySettings | None = None) -> ASGIApp:
    """The gateway as it ships: edge headers, request middleware, router, API chain, site."""
    settings = settings or GatewaySettings()
    proxy = UpstreamProxy(settings)
    edge = EdgeAuth(settings)
    limits = RateLimits(settings)
    docs = ServiceDocs(settings)
    api = api_chain(proxy, edge, limits, SessionCookies(settings), own=own_api(proxy, settings))
    web = WebApp(Path(settings.web_dir))
    site = site_app(proxy, edge, limits, docs, MetricsListener(settings), docs=docs, web=web)
    gateway = Gateway(api=api, site=site, trusted=parse_networks(settings.trusted_proxies))
    # The edge headers wrap everything, the request middleware's own 413 and 500 included; the
    # server span wraps them too, so every log line of the call carries its trace id and the
    # proxy's client span (lka_common.tracing) passes its `traceparent` on to the service.
    uploads = [UploadRoute(method, API_PREFIX + path, settings.upload_max_body_bytes) for method, path in UPLOAD_ROUTES]
    limited = RequestContextMiddleware(gateway, max_body_bytes=settings.max_body_bytes, uploads=uploads)
    outermost = EdgeHeaders(limited, settings)
    return tracing.traced_asgi(outermost)

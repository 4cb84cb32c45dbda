"""The FastAPI application every service builds on: middleware, errors, probes, metrics.

The request middleware is plain ASGI (Starlette's BaseHTTPMiddleware costs throughput): it
takes or makes the `X-Request-ID`, binds it to the log context as request and correlation
id, limits the body size, logs one line per request and catches anything unhandled.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import structlog
import uvicorn
from fastapi import Depends, FastAPI, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lka_common import context, heap, metrics, tracing
from lka_common.auth import TokenVerifier
from lka_common.body_limits import BodyLimits, UploadRoute
from lka_common.client_address import parse_networks
from lka_common.db import make_engine, make_sessionmaker
from lka_common.health import health_router
from lka_common.problems import Problem, install_problem_handlers, problem_for_unexpected
from lka_common.revocations import RevocationFeed, RevocationList
from lka_common.settings import ServiceSettings
from lka_common.uow import DriverUnitOfWork, UnitOfWork

log = structlog.get_logger(__name__)

# Below the pods' terminationGracePeriodSeconds (30 s, deploy/k8s).
GRACEFUL_SHUTDOWN_S = 25

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def incoming_request_id(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's X-Request-ID when it is sane, else a new one (it ends up in log lines)."""
    for name, value in headers:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _REQUEST_ID_RE.match(candidate):
                return candidate
    return context.new_id()


class BodyTooLarge(Exception):
    pass


class RequestContextMiddleware:
    """`uploads`: the routes whose bodies may be larger than `max_body_bytes` (lka_common.body_limits)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, uploads: Iterable[UploadRoute] = ()) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.limits = BodyLimits(max_body_bytes, uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope["headers"])
        started = time.perf_counter()
        status = {"code": 500, "sent": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        with context.bound(request_id=request_id, correlation_id=request_id):
            try:
                too_large = self._declared_too_large(scope)
                if too_large:
                    raise BodyTooLarge
                await self.app(scope, self._limited(scope, receive), send_with_id)
            except Exception as exc:  # noqa: BLE001 - the last line of defence: never a stack trace out
                if not status["sent"]:
                    problem = (
                        Problem(413) if isinstance(exc, BodyTooLarge) else problem_for_unexpected(exc, scope["path"])
                    )
                    await problem.response()(scope, receive, send_with_id)
            finally:
                self._record(scope, status["code"], time.perf_counter() - started)

    def _declared_too_large(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"content-length":
                return value.isdigit() and int(value) > self.max_body_bytes and int(value) > self.limits.of(scope)
        return False

    def _limited(self, scope: Scope, receive: Receive) -> Receive:
        seen = 0
        # The ordinary limit until a body passes it; only then is the route asked for a larger one.
        limit = self.max_body_bytes
        looked_up = False

        async def limited() -> Message:
            nonlocal seen, limit, looked_up
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not looked_up:
                    limit, looked_up = self.limits.of(scope), True
                if seen > limit:
                    raise BodyTooLarge
            return message

        return limited

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        method = scope["method"]
        metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()
        metrics.HTTP_LATENCY.labels(method, route).observe(seconds)
        if route not in ("/healthz", "/readyz", "/metrics"):
            log.info("request", method=method, path=scope["path"], status=status, ms=round(seconds * 1000, 1))


def create_app(
    settings: ServiceSettings,
    *,
    title: str,
    routers: list[Any],
    on_startup: Callable[[FastAPI], Any] | None = None,
    on_shutdown: Callable[[FastAPI], Any] | None = None,
    revocation_feed: bool = True,
    uploads: Iterable[UploadRoute] = (),
) -> FastAPI:
    """A service's API: its routers under `/api/v1`, probes at the root, problem+json errors.

    The principal dependency (lka_common.auth) refuses tokens identity revoked, from a list
    the revocation feed keeps current while the app runs (`revocation_feed`; off only where
    the dependency is not what decides, identity's own API, which checks its database). The
    feed is no part of readiness: an API stays ready while only the broker is down. `uploads`:
    the routes (full paths, `/api/v1/…`) that take bodies above `max_body_bytes`.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings)
        app.state.settings = settings
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine, acquire_timeout_s=settings.db_acquire_timeout_s)
        app.state.trusted_proxies = parse_networks(settings.trusted_proxies)
        app.state.revocations = RevocationList(keep_s=settings.access_token_ttl_s)
        feed = RevocationFeed(
            app.state.revocations,
            owner=f"{settings.service_name or 'service'}-api",
            amqp_url=settings.amqp_url,
            list_url=settings.revocations_url,
            retry_first_s=settings.revocations_retry_first_s,
            retry_max_s=settings.revocations_retry_max_s,
            timeout_s=settings.revocations_timeout_s,
        )
        app.state.revocation_feed = feed
        app.state.token_verifier = TokenVerifier(
            settings.jwks_url,
            settings.jwt_issuer,
            settings.jwt_audience,
            jwks=json.loads(settings.jwks_json) if settings.jwks_json else None,
            # Verified tokens remembered (until exp, at most 60 s): the gateway checked the same
            # token a moment ago, and the signature check was ~6 % of a readings call's CPU.
            cache_size=10_000,
        )
        if on_startup is not None:
            await on_startup(app)
        if revocation_feed:
            await feed.start()
        try:
            yield
        finally:
            if on_shutdown is not None:
                await on_shutdown(app)
            await feed.close()
            await engine.dispose()

    app = FastAPI(title=title, version="1.0.0", lifespan=lifespan)
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes, uploads=tuple(uploads))
    # Outermost: the request's log lines and the events it raises carry its trace.
    tracing.trace_fastapi(app)
    app.include_router(health_router())
    for router in routers:
        app.include_router(router, prefix="/api/v1")
    return app


# `async def`, though they await nothing: FastAPI runs a plain `def` dependency in a worker
# thread, a thread hop per dependency per request (docs/performance.md, the readings profile).
async def get_uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.sessionmaker, request.app.state.settings.source)


async def get_driver_uow(request: Request) -> DriverUnitOfWork:
    state = request.app.state
    return DriverUnitOfWork(state.engine, state.settings.source, state.settings.db_acquire_timeout_s)


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
DriverUowDep = Annotated[DriverUnitOfWork, Depends(get_driver_uow)]


def serve_api(app: FastAPI, settings: ServiceSettings) -> None:
    from lka_common.logging import configure_logging

    configure_logging(f"{settings.service_name}-api", settings.log_level)
    tracing.configure_tracing(f"{settings.service_name}-api")
    heap.settle()
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_config=None,
        server_header=False,
        # The client address is lka_common.client_address's to decide, from the real peer and
        # LKA_TRUSTED_PROXIES; uvicorn would otherwise replace a loopback peer with whatever its
        # X-Forwarded-For said, `<script>` included.
        proxy_headers=False,
        # On SIGTERM uvicorn stops accepting, lets requests in flight finish (tests/e2e drill 4)
        # and then runs the lifespan's shutdown. Bounded, so a request stuck on something is
        # cancelled and the engine still disposed before Kubernetes' SIGKILL at 30 s.
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )

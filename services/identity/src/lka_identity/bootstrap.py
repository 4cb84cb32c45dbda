"""Wiring of the identity service: its API, the subscriptions of its consumer (every service's
audit records, copied for the supervisors' search), and what its one-shot commands (`make
operator`, the demo subscriber) run in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI

from lka_common.audit import AUDIT_EVENTS
from lka_common.db import make_engine, make_sessionmaker
from lka_common.events.base import EventData
from lka_common.messaging.consumer import Handler, Subscription
from lka_common.messaging.errors import is_transient
from lka_common.uow import UnitOfWork
from lka_common.web import create_app
from lka_identity.adapters.password_hasher import PasswordHasher
from lka_identity.entrypoints.dependencies import BrowserMiddleware
from lka_identity.entrypoints.errors import install_error_handlers
from lka_identity.entrypoints.routers import audit, auth, internal, jwks, profile, public, staff
from lka_identity.service_layer import audit_search
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.keys import KeyRing
from lka_identity.settings import IdentitySettings

log = structlog.get_logger(__name__)

NewUow = Callable[[], UnitOfWork]


def new_password_hasher(settings: IdentitySettings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost_kib=settings.argon2_memory_cost_kib,
        parallelism=settings.argon2_parallelism,
        concurrency=settings.password_hash_concurrency,
    )


def build_app(settings: IdentitySettings | None = None) -> FastAPI:
    chosen = settings or IdentitySettings()

    async def on_startup(app: FastAPI) -> None:
        # The hasher computes its dummy hash when built: off the loop like every other hash.
        passwords = await asyncio.to_thread(new_password_hasher, chosen)
        # Whatever the shared lifespan made: identity verifies with its own keys, from its database.
        keys = KeyRing(lambda: UnitOfWork(app.state.sessionmaker, chosen.source), chosen)
        try:
            await keys.start(utcnow())
        except Exception as exc:
            if not is_transient(exc):
                raise  # a wrong key-encryption secret must stop the process, loudly
            # The database is down: start anyway (readiness says so); the first call loads the keys.
            log.warning("signing_keys_not_loaded", error=repr(exc))
        app.state.identity = IdentityContext(chosen, passwords, keys)

    app = create_app(
        chosen,
        title="ЛКА: учётные записи и вход",
        routers=[auth.router, profile.router, public.router, jwks.router, internal.router, audit.router, staff.router],
        on_startup=on_startup,
        # Identity checks each caller's session in its own database (dependencies.live_principal),
        # which a revocation reaches first: no feed of its own revocations needed here.
        revocation_feed=False,
    )
    install_error_handlers(app)
    # Each request's browser (User-Agent, the gateway's device id) for the sign-in path.
    app.add_middleware(BrowserMiddleware)
    return app


def subscriptions(settings: IdentitySettings) -> list[Subscription]:
    # Every service's audit records, identity's own included, for GET /operator/audit.
    handlers: dict[type[EventData], Handler] = dict.fromkeys(AUDIT_EVENTS.values(), audit_search.audit_recorded)
    return [Subscription(queue="identity.audit", handlers=handlers)]


@asynccontextmanager
async def command_context(settings: IdentitySettings) -> AsyncIterator[tuple[NewUow, IdentityContext]]:
    """A one-shot command's units of work and context: a one-connection pool, the password
    hasher and the key ring, closed when the command is done."""
    engine = make_engine(settings, pool_size=1, max_overflow=0)
    passwords = new_password_hasher(settings)
    try:
        sessionmaker = make_sessionmaker(engine)

        def new_uow() -> UnitOfWork:
            return UnitOfWork(sessionmaker, settings.source)

        yield new_uow, IdentityContext(settings, passwords, KeyRing(new_uow, settings))
    finally:
        passwords.close()
        await engine.dispose()

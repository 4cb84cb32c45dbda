"""What identity's one-shot commands (`make operator`, the demo subscriber) run in: a one-
connection pool, the password hasher and the key ring, closed when the command is done."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from lka_common.db import make_engine, make_sessionmaker
from lka_common.uow import UnitOfWork
from lka_identity.bootstrap import new_password_hasher
from lka_identity.service_layer.context import IdentityContext
from lka_identity.service_layer.keys import KeyRing
from lka_identity.settings import IdentitySettings

NewUow = Callable[[], UnitOfWork]


@asynccontextmanager
async def command_context(settings: IdentitySettings) -> AsyncIterator[tuple[NewUow, IdentityContext]]:
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

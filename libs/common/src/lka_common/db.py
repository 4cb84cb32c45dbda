"""The async database engine of a service, sized by its settings.

Every connection gets a statement timeout and a connect timeout, so a stuck database turns
into an error within seconds (QUALITY 8, 13), never a hung request.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from lka_common.settings import ServiceSettings


def make_engine(
    settings: ServiceSettings, *, pool_size: int | None = None, max_overflow: int | None = None
) -> AsyncEngine:
    return create_async_engine(
        settings.database_url,
        pool_size=pool_size if pool_size is not None else settings.db_pool_size,
        max_overflow=max_overflow if max_overflow is not None else settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_s,
        pool_pre_ping=True,
        connect_args={
            "timeout": settings.db_connect_timeout_s,
            "command_timeout": settings.db_statement_timeout_ms / 1000 + 1,
            "server_settings": {
                "statement_timeout": str(settings.db_statement_timeout_ms),
                "application_name": f"lka_{settings.service_name}",
            },
        },
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)

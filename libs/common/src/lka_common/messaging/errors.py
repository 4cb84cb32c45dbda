"""How a failed message is treated (docs/messaging.md §6).

- `TransientError`: the world is not ready (database or remote side down): retried with
  back-off inside the consumer, without spending the message's delivery limit.
- `PermanentError`: the message can never succeed (breaks the contract, a domain rule
  refuses it): dead-lettered at once.
- anything else is unknown: requeued, counted against the queue's delivery limit.
"""

from __future__ import annotations

import asyncio

import asyncpg
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError


class TransientError(Exception):
    """Retry later: nothing is wrong with the message."""


class PermanentError(Exception):
    """Never retry: the message itself is at fault."""


# Serialization failure and deadlock, the server shutting down or starting, connection lost or
# refused, and the server full (53300: another job holds every connection it allows).
_TRANSIENT_SQLSTATES = {
    "40001", "40P01", "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004", "53300"
}  # fmt: skip


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TransientError):
        return True
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    if isinstance(exc, DBAPIError):
        sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if sqlstate in _TRANSIENT_SQLSTATES or exc.connection_invalidated:
            return True
    if isinstance(
        exc,
        ConnectionError
        | OSError
        | asyncio.TimeoutError
        | asyncpg.exceptions.CannotConnectNowError
        | asyncpg.exceptions.ConnectionDoesNotExistError
        | asyncpg.exceptions.SerializationError
        | asyncpg.exceptions.DeadlockDetectedError
        | asyncpg.exceptions.AdminShutdownError
        | asyncpg.exceptions.TooManyConnectionsError,
    ):
        return True
    return exc.__cause__ is not None and exc.__cause__ is not exc and is_transient(exc.__cause__)


def is_permanent(exc: BaseException) -> bool:
    return isinstance(exc, PermanentError | ValidationError)

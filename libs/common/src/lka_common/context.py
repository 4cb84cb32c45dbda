"""Which request or message the running code serves.

The ids live in structlog's context variables, so every log line carries them and every
event raised while serving carries the same correlation id (docs/messaging.md §Observability).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import structlog


def new_id() -> str:
    return str(uuid.uuid4())


def current_ids() -> dict[str, str]:
    return {k: v for k, v in structlog.contextvars.get_contextvars().items() if isinstance(v, str)}


def correlation_id() -> str | None:
    return current_ids().get("correlation_id")


def causation_id() -> str | None:
    """The id of what caused the code now running: the request, or the message handled."""
    return lineage()[1]


def lineage() -> tuple[str | None, str | None]:
    """The correlation id and the causation id at once (an event raised takes both)."""
    ids = current_ids()
    return ids.get("correlation_id"), ids.get("message_id") or ids.get("request_id")


@contextmanager
def bound(**ids: str | None) -> Iterator[None]:
    """Bind ids for the duration of one request or one message."""
    clean = {k: v for k, v in ids.items() if v}
    with structlog.contextvars.bound_contextvars(**clean):
        yield

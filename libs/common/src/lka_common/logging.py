"""Structured logging (structlog) for every process: JSON for machines, one line for people.

Each line carries the request, correlation and message ids bound from context, and a JSON line
also the trace id of the running span (lka_common.tracing), so that it can be joined to its
trace. Standard-library loggers (uvicorn, aio-pika, sqlalchemy) go through the same renderer;
uvicorn's access log is off: the request middleware logs each request once.

`LKA_LOG_FORMAT` chooses the rendering: `json` (one object a line, what log collectors and
containers want), `console` (coloured, aligned, one line for a person at a terminal), or unset:
console when stdout is a terminal, JSON otherwise. `lka-dev run` asks its processes for console
lines when it prints to a terminal; the images set `json`.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import structlog

from lka_common.tracing import current_trace_id

_QUIET = ("aio_pika", "aiormq", "asyncio", "sqlalchemy.engine", "uvicorn.access", "aiosmtpd", "mail.log")
FORMAT_VARIABLE = "LKA_LOG_FORMAT"


def configure_logging(process: str, level: str = "INFO") -> None:
    console = wants_console()
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        # A person reads the time of day; the process is already the line's prefix under lka-dev.
        structlog.processors.TimeStamper(fmt="%H:%M:%S" if console else "iso", utc=not console),
        # A machine joins a line to its trace by the trace id; a person has the request id.
        *([] if console else [_add_process(process), _add_trace_id]),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, _renderer(console)],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").disabled = True


def wants_console() -> bool:
    chosen = os.environ.get(FORMAT_VARIABLE, "").strip().lower()
    if chosen in ("json", "console"):
        return chosen == "console"
    return sys.stdout.isatty()


def _renderer(console: bool) -> Any:
    if not console:
        return structlog.processors.JSONRenderer(ensure_ascii=False)
    # The plain traceback, never rich's with local variables: a frame's locals may hold a
    # password or a token.
    return structlog.dev.ConsoleRenderer(
        colors=True, pad_event_to=32, exception_formatter=structlog.dev.plain_traceback
    )


def _add_process(process: str) -> Any:
    def processor(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
        event.setdefault("process", process)
        return event

    return processor


def _add_trace_id(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    trace_id = current_trace_id()
    if trace_id is not None:
        event.setdefault("trace_id", trace_id)
    return event


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)

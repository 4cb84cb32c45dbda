"""Structured JSON logging (structlog) for every process.

One JSON object a line on stdout, with the request, correlation and message ids bound from
context. Standard-library loggers (uvicorn, aio-pika, sqlalchemy) go through the same
renderer; uvicorn's access log is off: the request middleware logs each request once.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

_QUIET = ("aio_pika", "aiormq", "asyncio", "sqlalchemy.engine", "uvicorn.access", "aiosmtpd", "mail.log")


def configure_logging(process: str, level: str = "INFO") -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_process(process),
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
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer(ensure_ascii=False),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").disabled = True


def _add_process(process: str) -> Any:
    def processor(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
        event.setdefault("process", process)
        return event

    return processor


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)

"""What the caller hears when a service fails it, and what the gateway counts and logs.

A failure before the service answered becomes a problem document (docs/contract.md §2); one after
the answer started can only break the connection, and is counted apart.
"""

from __future__ import annotations

import aiohttp
import structlog
from prometheus_client import Counter

from lka_common.problems import Problem

log = structlog.get_logger(__name__)

UPSTREAM_FAILURES = Counter(
    "lka_gateway_upstream_failures_total", "Calls the gateway could not complete with a service", ["upstream", "status"]
)


def upstream_problem(exc: BaseException, service: str) -> Problem:
    """503 when the service cannot be reached, 504 when it was reached but did not answer
    in time, 502 when its answer was not HTTP we could read."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        # No connection within the connect timeout: as unreachable as a refused one.
        problem = Problem(503, headers={"Retry-After": "2"})
    elif isinstance(exc, TimeoutError):
        problem = Problem(504)
    elif isinstance(exc, aiohttp.ClientConnectionError):
        problem = Problem(503, headers={"Retry-After": "2"})
    else:
        problem = Problem(502)
    UPSTREAM_FAILURES.labels(service, str(problem.status)).inc()
    log.warning("upstream_failed", service=service, status=problem.status, error=repr(exc))
    return problem


def answer_broken_off(exc: BaseException, service: str) -> None:
    UPSTREAM_FAILURES.labels(service, "aborted").inc()
    log.warning("upstream_broke_off", service=service, error=repr(exc))

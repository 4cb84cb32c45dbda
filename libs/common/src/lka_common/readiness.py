"""Readiness as a metric: each evaluation of a process's readiness (an API's `/readyz`, a
worker's probe and its watchdog's check every second, the gateway's `/readyz`) sets
`lka_ready{component}` and counts every change of answer in `lka_readiness_changes_total`.

The counter is what shows a process flapping: a scrape every 15 s sees only the gauge's value
at that moment, and would miss a readiness lost and regained in between.
"""

from __future__ import annotations

from collections.abc import Callable

from lka_common import metrics

_last: dict[str, bool] = {}


def observe(component: str, ready: bool) -> bool:
    """Record one evaluation of `component`'s readiness; returns `ready`, so a probe can say
    `if observe(name, check()):`."""
    # The series exists from the first evaluation, at 0: a first change is then an increase.
    changes = metrics.READINESS_CHANGES.labels(component)
    if _last.get(component, ready) != ready:
        changes.inc()
    _last[component] = ready
    metrics.READY.labels(component).set(1 if ready else 0)
    return ready


def observed(component: str, check: Callable[[], bool]) -> Callable[[], bool]:
    """`check`, recording each of its answers as `component`'s readiness."""
    return lambda: observe(component, check())

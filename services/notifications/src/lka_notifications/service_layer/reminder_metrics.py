"""The gauges of the reminder letters waiting in `reminders_due` (adapters/metrics.py:
`lka_reminders_waiting` by template, `lka_reminders_oldest_seconds`), for an operator who wants
to see a scheduled run drain: a million-account run leaves about a million rows for a while.

One refresher per consumer process, run beside the reminder senders (reminder_sender.run) and
stopping with them, reads the table every `reminder_metrics_interval_s` with one query in a
short transaction of its own. A refresh that fails is logged and tried again at the next
interval; the gauges keep their last values meanwhile, and the senders never wait on it.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from lka_common.entrypoints import UowFactory
from lka_notifications.adapters import reminders_due
from lka_notifications.adapters.metrics import REMINDERS_OLDEST, REMINDERS_WAITING, template_label
from lka_notifications.domain.letters import LETTER_POLICY

log = structlog.get_logger(__name__)

# Shown from the first refresh, at 0 while none waits: a panel or an alert finds the series there
# before the first run.
REMINDER_TEMPLATES = frozenset(name for name, policy in LETTER_POLICY.items() if policy.kind == "reminder")


class WaitingGauges:
    """Sets the gauges from the table; a template that waited at the last refresh and no longer
    does goes back to 0 (a series left at its last count would show letters long sent)."""

    def __init__(self) -> None:
        self._shown = set(REMINDER_TEMPLATES)

    async def refresh(self, uow_factory: UowFactory) -> None:
        async with uow_factory() as uow:  # read only: leaving the block rolls it back
            waiting = await reminders_due.waiting(uow.session)
        letters = dict.fromkeys(self._shown, 0)
        for row in waiting:
            label = template_label(row.template)
            letters[label] = letters.get(label, 0) + row.letters
        for label, count in letters.items():
            REMINDERS_WAITING.labels(label).set(count)
        self._shown = set(letters)
        REMINDERS_OLDEST.set(max((max(row.oldest_s, 0.0) for row in waiting), default=0.0))


async def run(stop: asyncio.Event, uow_factory: UowFactory, interval_s: float) -> None:
    """Refresh the gauges at once and then every `interval_s`, until `stop` is set."""
    gauges = WaitingGauges()
    while not stop.is_set():
        try:
            await gauges.refresh(uow_factory)
        except Exception as exc:  # noqa: BLE001 - the database away, the pool busy: the next interval tries again
            log.warning("reminder_metrics_failed", error=repr(exc), error_type=type(exc).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_s)

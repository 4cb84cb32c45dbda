"""Reconciliation: pending payments polled with back-off, so a lost callback never loses a
payment and an abandoned one expires. Runs in the consumer process (entrypoints/consumer.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import structlog

from lka_common.uow import UnitOfWork
from lka_payments.adapters import refunds, repository
from lka_payments.adapters.acquirer import Acquirer
from lka_payments.domain.errors import AcquirerRefused, AcquirerUnavailable
from lka_payments.service_layer import refunding
from lka_payments.service_layer.settlement import settle
from lka_payments.settings import PaymentsSettings

log = structlog.get_logger(__name__)


async def poll_once(uow_factory: Callable[[], UnitOfWork], acquirer: Acquirer, settings: PaymentsSettings) -> int:
    """Check the payments now due; returns how many were checked."""
    uow = uow_factory()
    async with uow:
        due = await repository.claim_due(uow.session, settings.poll_batch, settings.poll_first_s, settings.poll_max_s)
        await uow.commit()
    for payment_id in due:
        try:
            await settle(uow_factory(), acquirer, settings, payment_id)
        except (AcquirerUnavailable, AcquirerRefused) as exc:
            # Its next check is already pushed back: the back-off is the retry.
            log.warning("payment_check_failed", payment_id=str(payment_id), error=str(exc))
    return len(due) + await resume_refunds(uow_factory, acquirer, settings)


async def resume_refunds(uow_factory: Callable[[], UnitOfWork], acquirer: Acquirer, settings: PaymentsSettings) -> int:
    """Refunds whose bank answer was never recorded (service_layer/refunding.py, `resume`)."""
    uow = uow_factory()
    async with uow:
        due = await refunds.claim_unsettled(uow.session, settings.refund_resume_after_s, settings.poll_batch)
        await uow.commit()
    for refund_id in due:
        try:
            await refunding.resume(uow_factory(), acquirer, refund_id, refunding.system_actor(settings))
        except (AcquirerUnavailable, AcquirerRefused) as exc:
            log.warning("refund_check_failed", refund_id=str(refund_id), error=str(exc))
    return len(due)


async def run_poller(
    stop: asyncio.Event, uow_factory: Callable[[], UnitOfWork], acquirer: Acquirer, settings: PaymentsSettings
) -> None:
    while not stop.is_set():
        try:
            await poll_once(uow_factory, acquirer, settings)
        except Exception:
            log.exception("poller_round_failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), settings.poll_interval_s)

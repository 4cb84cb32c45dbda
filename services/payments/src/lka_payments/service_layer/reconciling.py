"""The day's reconciliation with the acquirer's registry (docs/contract.md §4 "Reconciliation").

A run claims the day (one run of a day at a time; a run again replaces the day's findings, so
it is idempotent and repeated after a fix), reads the bank's registry, then what we recorded of
the day's orders. Before classifying it asks the bank about every order paid there and pending
here (the poller's own settlement): what that poll settles is resolved by itself, and the
finding says so (`resolved_by_status_poll`). The findings, the totals, the payments' story lines,
the audit record and `payments.reconciliation.completed.v1` commit in one transaction.

The API starts a run and answers 202 (the run goes on after the answer); the consumer's
scheduler runs one every night for the day before (`reconciliation_job`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import structlog

from lka_common.audit import OK, REFUSED, Actor, AuditStep, record
from lka_common.events.payments import ReconciliationCompleted
from lka_common.scheduler.runner import BatchResult, Job, RunContext
from lka_common.uow import UnitOfWork
from lka_payments.adapters import reconciliations, story
from lka_payments.adapters.acquirer import Acquirer
from lka_payments.adapters.registry import fetch_registry
from lka_payments.domain.errors import AcquirerRefused, AcquirerUnavailable, ReconciliationNotFound
from lka_payments.domain.reconciliation import PAID_HERE, RESOLVED_BY_POLL, OurOrder, Result, bank_orders, reconcile
from lka_payments.service_layer.refunding import system_actor
from lka_payments.service_layer.settlement import settle
from lka_payments.settings import PaymentsSettings

log = structlog.get_logger(__name__)

JOB_NAME = "payments.reconciliation"
# A run that has not finished in this long died with its process: the day may be claimed again.
STALE_RUN_S = 900.0


async def request_run(uow: UnitOfWork, day: date, actor: Actor, step: AuditStep) -> bool:
    """Claim the day for a run (False: one is under way), recorded in the audit."""
    async with uow:
        claimed = await reconciliations.claim(uow.session, day, actor.user_id, STALE_RUN_S)
        await step.record(uow)
        await uow.commit()
    return claimed


async def run(uow: UnitOfWork, acquirer: Acquirer, settings: PaymentsSettings, day: date, actor: Actor) -> Result:
    """A claimed day's run to its end: `completed` with its findings, or `failed` with the error."""
    try:
        lines = await fetch_registry(settings.registry_source, day, settings.rbs_timeout_s * 3)
        bank = bank_orders(lines)
        async with uow:
            ours = await reconciliations.our_orders(uow.session, day, list(bank))
        polled = await _poll_pending(uow, acquirer, settings, {o for o, b in bank.items() if b.deposited}, ours)
        newly: set[str] = set()
        if polled:
            async with uow:
                ours = await reconciliations.our_orders(uow.session, day, list(bank))
            newly = {o for o in polled if o in ours and ours[o].status in PAID_HERE}
            ours = {o: replace(order, resolved_by_poll=True) if o in newly else order for o, order in ours.items()}
        result = reconcile(lines, ours)
    except Exception as exc:
        log.exception("reconciliation_failed", day=day.isoformat())
        async with uow:
            await reconciliations.fail(uow.session, day, f"{type(exc).__name__}: {exc}")
            await record(uow, actor, "reconciliation.run", "reconciliation", day, REFUSED + "failed")
            await uow.commit()
        raise
    async with uow:
        await reconciliations.save(uow.session, day, result)
        for finding in result.discrepancies:
            if finding.resolution == RESOLVED_BY_POLL and finding.acquirer_order_id in newly:
                assert finding.payment_id is not None
                await story.note(uow.session, finding.payment_id, story.RECONCILED, date=day.isoformat())
        uow.publish(
            ReconciliationCompleted(date=day, matched=result.matched, discrepancies=len(result.discrepancies)),
            day.isoformat(),
        )
        await record(uow, actor, "reconciliation.run", "reconciliation", day, OK)
        await uow.commit()
    log.info(
        "reconciliation_completed",
        day=day.isoformat(),
        matched=result.matched,
        discrepancies=len(result.discrepancies),
        bank_total=result.bank_total,
        our_total=result.our_total,
    )
    return result


async def _poll_pending(
    uow: UnitOfWork, acquirer: Acquirer, settings: PaymentsSettings, paid_at_bank: set[str], ours: dict[str, OurOrder]
) -> set[str]:
    """Ask the bank about the orders it was paid for and we still call pending (the poller's own
    settlement, so the payment, its event and its letter are as if the callback had come)."""
    polled = set()
    for order_id in sorted(paid_at_bank):
        order = ours.get(order_id)
        if order is None or order.status != "pending":
            continue
        try:
            await settle(uow, acquirer, settings, order.payment_ids[0], "reconciliation")
        except (AcquirerUnavailable, AcquirerRefused) as exc:
            log.warning("reconciliation_poll_failed", acquirer_order_id=order_id, error=str(exc))
            continue
        polled.add(order_id)
    return polled


async def stored(uow: UnitOfWork, day: date) -> reconciliations.Stored:
    async with uow:
        found = await reconciliations.of_day(uow.session, day)
    if found is None:
        raise ReconciliationNotFound
    return found


def reconciliation_job(settings: PaymentsSettings, uow_factory: Callable[[], UnitOfWork], acquirer: Acquirer) -> Job:
    """Every night, the day before (the scheduler's clock); a day completed already is left as is
    (a person runs it again through the API after a fix)."""

    async def batch(context: RunContext) -> BatchResult:
        day = context.today - timedelta(days=1)
        uow = uow_factory()
        async with uow:
            if await reconciliations.completed(uow.session, day):
                return BatchResult()
            claimed = await reconciliations.claim(uow.session, day, None, STALE_RUN_S)
            await uow.commit()
        if not claimed:
            return BatchResult()
        result = await run(uow, acquirer, settings, day, system_actor(settings))
        return BatchResult(items=result.matched + len(result.discrepancies), failures=len(result.discrepancies))

    return Job(JOB_NAME, settings.reconciliation_schedule, batch)

"""The payments consumer process: `python -m lka_payments.entrypoints.consumer`.

Besides its subscriptions it runs the reconciliation poller (service_layer/poller.py) and the
scheduled work (autopay: service_layer/autopay_run.py, timed and leased by lka_common.scheduler),
so the stack needs no extra process; the poller's `SKIP LOCKED` claim and the scheduler's lease
let replicas share the work. Both draw on one small pool of their own (1 + 1 connections) and
share one client of the bank, closed when they have ended.
"""

from __future__ import annotations

from lka_common.scheduler.clock import Clock
from lka_common.scheduler.consumer import run_consumer_with_jobs
from lka_payments.adapters.rbs import RbsAcquirer
from lka_payments.bootstrap import jobs, subscriptions
from lka_payments.service_layer.poller import run_poller
from lka_payments.settings import PaymentsSettings

POLLER_POOL = (1, 1)  # (size, overflow): the poller's and the jobs' (docs/operations.md, "Connection budget")


def main() -> None:
    settings = PaymentsSettings()
    acquirer = RbsAcquirer(settings)  # its HTTP session is made on first use, in the worker's loop
    run_consumer_with_jobs(
        settings,
        lambda: subscriptions(settings),
        lambda uow_factory: jobs(settings, uow_factory, acquirer),
        scheduler_enabled=settings.scheduler_enabled,
        clock=Clock(settings.clock_offset_s),
        lease_s=settings.scheduler_lease_s,
        own_pool=POLLER_POOL,
        beside=lambda stop, uow_factory: run_poller(stop, uow_factory, acquirer, settings),
        close=acquirer.close,
    )


if __name__ == "__main__":
    main()

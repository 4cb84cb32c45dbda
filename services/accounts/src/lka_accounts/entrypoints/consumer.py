"""The accounts consumer process: `python -m lka_accounts.entrypoints.consumer`.

Besides its subscriptions it runs the scheduled debt reminder (service_layer/debt_reminder.py,
timed and leased by lka_common.scheduler, on the consumer's own pool), so the stack needs no
extra process; the lease lets replicas share the work.
"""

from lka_accounts.bootstrap import jobs, subscriptions
from lka_accounts.settings import AccountsSettings
from lka_common.scheduler.clock import Clock
from lka_common.scheduler.consumer import run_consumer_with_jobs


def main() -> None:
    settings = AccountsSettings()
    run_consumer_with_jobs(
        settings,
        lambda: subscriptions(settings),
        lambda uow_factory: jobs(settings, uow_factory),
        scheduler_enabled=settings.scheduler_enabled,
        clock=Clock(settings.clock_offset_s),
        lease_s=settings.scheduler_lease_s,
    )


if __name__ == "__main__":
    main()

"""The readings consumer process: `python -m lka_readings.entrypoints.consumer`.

Besides its subscriptions it runs the scheduled reminders (service_layer/reading_window.py and
verification_due.py, timed and leased by lka_common.scheduler, on the consumer's own pool), so
the stack needs no extra process; the lease lets replicas share the work.
"""

from lka_common.scheduler.clock import Clock
from lka_common.scheduler.consumer import run_consumer_with_jobs
from lka_readings.bootstrap import jobs, subscriptions
from lka_readings.settings import ReadingsSettings


def main() -> None:
    settings = ReadingsSettings()
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

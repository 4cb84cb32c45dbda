"""Wiring of the readings service: its API, the subscriptions of its consumer, and its scheduled jobs."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from lka_common.events.accounts import AccountLinked, AccountUnlinked
from lka_common.events.billing import (
    BillingAccountUpdated,
    BillingMeterUpdated,
    BillingReadingProcessed,
    BillingTariffUpdated,
)
from lka_common.messaging.consumer import Subscription
from lka_common.scheduler.api import jobs_router
from lka_common.scheduler.runner import Job
from lka_common.uow import UnitOfWork
from lka_common.web import create_app
from lka_readings.entrypoints.errors import install_error_handlers
from lka_readings.entrypoints.routers import accounts, public
from lka_readings.service_layer import projections, verdicts
from lka_readings.service_layer.reading_window import reading_window_job
from lka_readings.service_layer.verification_due import verification_due_job
from lka_readings.settings import ReadingsSettings


def build_app(settings: ReadingsSettings | None = None) -> FastAPI:
    app = create_app(
        settings or ReadingsSettings(), title="ЛКА: показания", routers=[accounts.router, public.router, jobs_router()]
    )
    install_error_handlers(app)
    return app


def subscriptions(settings: ReadingsSettings) -> list[Subscription]:
    # Verdicts on a queue of their own: billing resending every meter never delays a status.
    return [
        Subscription(queue="readings.meters", handlers={BillingMeterUpdated: projections.meter_updated}),
        Subscription(
            queue="readings.access",
            handlers={AccountLinked: projections.account_linked, AccountUnlinked: projections.account_unlinked},
        ),
        Subscription(queue="readings.verdicts", handlers={BillingReadingProcessed: verdicts.reading_processed}),
        Subscription(
            queue="readings.tariffs",
            handlers={
                BillingTariffUpdated: projections.tariff_updated,
                BillingAccountUpdated: projections.account_updated,
            },
        ),
    ]


def jobs(settings: ReadingsSettings, uow_factory: Callable[[], UnitOfWork]) -> list[Job]:
    """What the consumer process schedules (lka_common.scheduler): the reminders."""
    return [reading_window_job(settings, uow_factory), verification_due_job(settings, uow_factory)]

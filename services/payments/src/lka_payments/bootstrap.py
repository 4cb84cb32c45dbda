"""Wiring of the payments service: its API, the acquirer adapter, and its consumer's subscriptions."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from lka_common.events.accounts import AccountLinked, AccountUnlinked
from lka_common.events.billing import BillingAccountUpdated, BillingPaymentRegistered
from lka_common.messaging.consumer import Subscription
from lka_common.scheduler.api import jobs_router
from lka_common.scheduler.runner import Job
from lka_common.uow import UnitOfWork
from lka_common.web import create_app
from lka_payments.adapters.acquirer import Acquirer
from lka_payments.adapters.rbs import RbsAcquirer
from lka_payments.entrypoints.errors import install_error_handlers
from lka_payments.entrypoints.routers import (
    autopay,
    baskets,
    callback,
    cards,
    history,
    operator,
    payments,
    reconciliations,
)
from lka_payments.service_layer import access, autopay_run, balances, billing, reconciling
from lka_payments.settings import PaymentsSettings


def build_app(settings: PaymentsSettings | None = None, acquirer: Acquirer | None = None) -> FastAPI:
    settings = settings or PaymentsSettings()

    async def close_acquirer(app: FastAPI) -> None:
        if isinstance(app.state.acquirer, RbsAcquirer):
            await app.state.acquirer.close()  # its pooled connections (adapters/rbs.py)

    app = create_app(
        settings,
        title="ЛКА: платежи",
        routers=[
            payments.router,
            baskets.router,
            cards.router,
            history.router,
            autopay.router,
            callback.router,
            operator.router,
            reconciliations.router,
            jobs_router(),
        ],
        on_shutdown=close_acquirer,
    )
    app.state.acquirer = acquirer or RbsAcquirer(settings)
    install_error_handlers(app)
    return app


def subscriptions(settings: PaymentsSettings) -> list[Subscription]:
    # Access on its own queue: a burst of billing's registrations never delays who may pay.
    return [
        Subscription(
            queue="payments.access",
            handlers={AccountLinked: access.account_linked, AccountUnlinked: access.account_unlinked},
        ),
        Subscription(
            queue="payments.billing",
            handlers={
                BillingPaymentRegistered: billing.payment_registered,
                BillingAccountUpdated: balances.account_updated,  # what each account owes, for autopay
            },
        ),
    ]


def jobs(settings: PaymentsSettings, uow_factory: Callable[[], UnitOfWork], acquirer: Acquirer) -> list[Job]:
    """The scheduled work the consumer process runs (lka_common.scheduler)."""
    return [
        autopay_run.autopay_job(settings, uow_factory, acquirer),
        reconciling.reconciliation_job(settings, uow_factory, acquirer),
    ]

"""Wiring of the accounts service: its API, the subscriptions of its consumer, and its scheduled jobs."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from fastapi import FastAPI

from lka_accounts.entrypoints.errors import install_error_handlers
from lka_accounts.entrypoints.routers import accounts, bills, link_requests, operator, regions
from lka_accounts.service_layer import bill_delivery, billing, merge
from lka_accounts.service_layer.debt_reminder import debt_reminder_job
from lka_accounts.settings import AccountsSettings
from lka_common.events.billing import BillingAccountUpdated, BillingBillIssued, BillingPaymentRegistered
from lka_common.events.identity import ProfilesMerged
from lka_common.events.payments import PaymentSucceeded
from lka_common.messaging.consumer import Subscription
from lka_common.scheduler.api import jobs_router
from lka_common.scheduler.runner import Job
from lka_common.uow import UnitOfWork
from lka_common.web import create_app


def build_app(settings: AccountsSettings | None = None) -> FastAPI:
    app = create_app(
        settings or AccountsSettings(),
        title="ЛКА: лицевые счета",
        routers=[regions.router, accounts.router, bills.router, link_requests.router, operator.router, jobs_router()],
    )
    install_error_handlers(app)
    return app


def subscriptions(settings: AccountsSettings) -> list[Subscription]:
    # Balances on a queue of their own: a flood of billing updates never delays a merge.
    return [
        Subscription(
            queue="accounts.balances",
            handlers={
                BillingAccountUpdated: billing.account_updated,
                BillingPaymentRegistered: billing.payment_registered,
                PaymentSucceeded: billing.payment_succeeded,
            },
        ),
        Subscription(queue="accounts.profiles", handlers={ProfilesMerged: merge.profiles_merged}),
        # Bills on a queue of their own: drawing the PDFs of a month's bills never delays a balance.
        Subscription(
            queue="accounts.bills", handlers={BillingBillIssued: partial(bill_delivery.bill_issued, settings.payee)}
        ),
    ]


def jobs(settings: AccountsSettings, uow_factory: Callable[[], UnitOfWork]) -> list[Job]:
    """What the consumer process schedules (lka_common.scheduler): the debt reminder."""
    return [debt_reminder_job(settings, uow_factory)]

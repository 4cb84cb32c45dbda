"""Wiring of the accounts service: its API, and the subscriptions of its consumer."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from lka_accounts.entrypoints.errors import install_error_handlers
from lka_accounts.entrypoints.routers import accounts, bills, link_requests, operator, regions
from lka_accounts.service_layer import bill_delivery, billing, merge
from lka_accounts.settings import AccountsSettings
from lka_common.events.billing import BillingAccountUpdated, BillingBillIssued, BillingPaymentRegistered
from lka_common.events.identity import ProfilesMerged
from lka_common.events.payments import PaymentSucceeded
from lka_common.messaging.consumer import Subscription
from lka_common.web import create_app


def build_app(settings: AccountsSettings | None = None) -> FastAPI:
    app = create_app(
        settings or AccountsSettings(),
        title="ЛКА: лицевые счета",
        routers=[regions.router, accounts.router, bills.router, link_requests.router, operator.router],
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

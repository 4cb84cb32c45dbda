"""Wiring of the payments service: its API, and the subscriptions of its consumer."""

from __future__ import annotations

from fastapi import FastAPI

from lka_common.messaging.consumer import Subscription
from lka_common.web import create_app
from lka_payments.settings import PaymentsSettings


def build_app(settings: PaymentsSettings | None = None) -> FastAPI:
    return create_app(settings or PaymentsSettings(), title="ЛКА: платежи", routers=[])


def subscriptions(settings: PaymentsSettings) -> list[Subscription]:
    return []

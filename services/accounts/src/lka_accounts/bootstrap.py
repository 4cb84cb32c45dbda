"""Wiring of the accounts service: its API, and the subscriptions of its consumer."""

from __future__ import annotations

from fastapi import FastAPI

from lka_accounts.settings import AccountsSettings
from lka_common.messaging.consumer import Subscription
from lka_common.web import create_app


def build_app(settings: AccountsSettings | None = None) -> FastAPI:
    return create_app(settings or AccountsSettings(), title="ЛКА: лицевые счета", routers=[])


def subscriptions(settings: AccountsSettings) -> list[Subscription]:
    return []

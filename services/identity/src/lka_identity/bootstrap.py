"""Wiring of the identity service: its API, and the subscriptions of its consumer."""

from __future__ import annotations

from fastapi import FastAPI

from lka_common.messaging.consumer import Subscription
from lka_common.web import create_app
from lka_identity.settings import IdentitySettings


def build_app(settings: IdentitySettings | None = None) -> FastAPI:
    return create_app(settings or IdentitySettings(), title="ЛКА: учётные записи и вход", routers=[])


def subscriptions(settings: IdentitySettings) -> list[Subscription]:
    return []

"""Wiring of the readings service: its API, and the subscriptions of its consumer."""

from __future__ import annotations

from fastapi import FastAPI

from lka_common.messaging.consumer import Subscription
from lka_common.web import create_app
from lka_readings.settings import ReadingsSettings


def build_app(settings: ReadingsSettings | None = None) -> FastAPI:
    return create_app(settings or ReadingsSettings(), title="ЛКА: показания", routers=[])


def subscriptions(settings: ReadingsSettings) -> list[Subscription]:
    return []

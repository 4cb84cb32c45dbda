"""Wiring of the notifications service: its API, and the subscriptions of its consumer."""

from __future__ import annotations

from fastapi import FastAPI

from lka_common.events.notifications import FeedbackReceived
from lka_common.messaging.consumer import Subscription
from lka_common.web import create_app
from lka_notifications.adapters.mailer import SmtpMailer
from lka_notifications.entrypoints.routers import feedback
from lka_notifications.service_layer.feedback import forward_feedback
from lka_notifications.settings import NotificationsSettings


def build_app(settings: NotificationsSettings | None = None) -> FastAPI:
    return create_app(settings or NotificationsSettings(), title="ЛКА: уведомления", routers=[feedback.router])


def subscriptions(settings: NotificationsSettings) -> list[Subscription]:
    mailer = SmtpMailer(settings)
    return [
        Subscription(
            queue="notifications.feedback",
            handlers={FeedbackReceived: forward_feedback(mailer, settings.feedback_mailbox)},
        ),
    ]

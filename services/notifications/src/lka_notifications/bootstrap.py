"""Wiring of the notifications service: its API, and the subscriptions of its consumer and the
reminder senders beside them."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from lka_common.body_limits import UploadRoute
from lka_common.commands.notifications import SendLetter, SendReminders, UpdateAddressBook
from lka_common.entrypoints import Beside
from lka_common.events.accounts import AccountLinked, AccountUnlinked, LinkRequestResolved
from lka_common.events.identity import LetterPreferencesChanged, ProfilesMerged
from lka_common.events.readings import ReadingAccepted, ReadingRejected
from lka_common.messaging.consumer import Subscription
from lka_common.messaging.topology import COMMANDS_EXCHANGE
from lka_common.web import create_app
from lka_notifications.adapters.mailer import SmtpMailer
from lka_notifications.adapters.templates import LetterRenderer
from lka_notifications.entrypoints.errors import install_error_handlers
from lka_notifications.entrypoints.routers import appeals, appeals_desk, feedback
from lka_notifications.service_layer import handlers, reminder_sender
from lka_notifications.service_layer.letters import LetterDispatcher
from lka_notifications.settings import NotificationsSettings

# The forms that carry files: up to 3 files of 5 MiB and the text (entrypoints/uploads.py).
UPLOAD_PATHS = ("/api/v1/appeals", "/api/v1/appeals/{id}/messages", "/api/v1/operator/appeals/{id}/messages")


def build_app(settings: NotificationsSettings | None = None) -> FastAPI:
    settings = settings or NotificationsSettings()
    app = create_app(
        settings,
        title="ЛКА: уведомления",
        routers=[feedback.router, appeals.router, appeals_desk.router],
        uploads=[UploadRoute("POST", path, settings.upload_max_body_bytes) for path in UPLOAD_PATHS],
    )
    install_error_handlers(app)
    return app


def letter_dispatcher(settings: NotificationsSettings) -> LetterDispatcher:
    return LetterDispatcher(
        SmtpMailer(settings),
        LetterRenderer(settings.supplier_name, settings.public_base_url),
        per_recipient_per_hour=settings.letters_per_recipient_per_hour,
        max_attempts=settings.letter_max_attempts,
        unsubscribe=(settings.public_base_url, settings.unsubscribe_secret),
    )


def subscriptions(settings: NotificationsSettings) -> list[Subscription]:
    dispatcher = letter_dispatcher(settings)
    return [
        Subscription(
            queue="notifications.commands",
            exchange=COMMANDS_EXCHANGE,
            handlers={
                SendLetter: partial(handlers.send_letter, dispatcher),
                UpdateAddressBook: handlers.update_address_book,
            },
        ),
        # Reminders on a queue of their own: a scheduled run's thousand commands never stand in
        # front of a transactional letter. Each is only kept here; `reminder_senders` send them.
        Subscription(
            queue="notifications.reminders",
            exchange=COMMANDS_EXCHANGE,
            handlers={SendReminders: handlers.keep_reminders},
        ),
        Subscription(
            queue="notifications.events",
            handlers={
                AccountLinked: handlers.account_linked,
                AccountUnlinked: handlers.account_unlinked,
                ProfilesMerged: handlers.profiles_merged,
                LetterPreferencesChanged: handlers.letter_preferences_changed,
                LinkRequestResolved: handlers.link_request_resolved,
                ReadingAccepted: handlers.reading_accepted,
                ReadingRejected: handlers.reading_rejected,
            },
        ),
    ]


def reminder_senders(settings: NotificationsSettings) -> Beside:
    """What the consumer runs beside its handlers: the loops that send the reminders the
    handlers keep (service_layer/reminder_sender.py), on the handlers' units of work."""
    dispatcher = letter_dispatcher(settings)
    return lambda stop, uow_factory: reminder_sender.run(stop, uow_factory, dispatcher, settings)

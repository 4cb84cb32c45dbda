"""What the notifications service counts (docs/operations.md, "Metrics"): letters by template
and outcome, a sent or suppressed one only once its row commits with the command's claim."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from lka_common.messaging.errors import PermanentError, TransientError
from lka_common.testing.metrics import Delta
from lka_common.testing.processes import free_port
from lka_common.uow import UnitOfWork
from lka_notifications.adapters.mailer import SmtpMailer
from lka_notifications.adapters.templates import LetterRenderer
from lka_notifications.service_layer.letters import LetterDispatcher
from lka_notifications.settings import NotificationsSettings


def dispatcher(settings: NotificationsSettings, cap: int = 10, max_attempts: int = 5) -> LetterDispatcher:
    renderer = LetterRenderer(settings.supplier_name, settings.public_base_url)
    return LetterDispatcher(SmtpMailer(settings), renderer, per_recipient_per_hour=cap, max_attempts=max_attempts)


def letters(template: str, outcome: str) -> Delta:
    return Delta("lka_letters_total", template=template, outcome=outcome)


def address() -> str:
    return f"abonent-{uuid.uuid4().hex[:10]}@example.ru"


async def test_a_sent_letter_counts_once_its_row_commits(
    settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork]
) -> None:
    sent = letters("password_changed", "sent")
    letters_of = dispatcher(settings)

    async with uow_factory() as uow:  # sent, but the unit rolls back: the consumer will take it again
        await letters_of.deliver(
            uow, message_id=str(uuid.uuid4()), template="password_changed", recipient=address(), params={}
        )
    assert sent() == 0

    async with uow_factory() as uow:
        await letters_of.deliver(
            uow, message_id=str(uuid.uuid4()), template="password_changed", recipient=address(), params={}
        )
        await uow.commit()
    assert sent() == 1


async def test_a_letter_over_the_cap_counts_as_suppressed(
    settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork]
) -> None:
    suppressed = letters("registration_repeated", "suppressed")

    async with uow_factory() as uow:
        await dispatcher(settings, cap=0).deliver(
            uow, message_id=str(uuid.uuid4()), template="registration_repeated", recipient=address(), params={}
        )
        await uow.commit()

    assert suppressed() == 1


async def test_a_failed_attempt_counts_as_retrying_and_the_last_one_as_failed(
    settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork]
) -> None:
    retrying, failed = letters("password_changed", "retrying"), letters("password_changed", "failed")
    smtp_down = settings.model_copy(update={"smtp_port": free_port()})
    message_id, to = str(uuid.uuid4()), address()

    for expected in (TransientError, PermanentError):
        with pytest.raises(expected):
            async with uow_factory() as uow:
                await dispatcher(smtp_down, max_attempts=2).deliver(
                    uow, message_id=message_id, template="password_changed", recipient=to, params={}
                )

    assert (retrying(), failed()) == (1, 1)

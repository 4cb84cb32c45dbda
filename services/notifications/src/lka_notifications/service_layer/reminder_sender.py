"""Sending the reminders kept in `reminders_due`, each letter in a short transaction of its own.

A scheduled run's `SendReminders` carries up to 2,000 letters, and its handler only keeps them
(handlers.keep_reminders): the consumer claims a command in its handler's transaction, so letters
sent there one by one with commits would mark the command handled after the first, and all in
one transaction would roll back the record of those already sent at the first SMTP failure.

So a few loops run in the consumer process beside the handlers (bootstrap.reminder_senders),
each taking the letter due first (SKIP LOCKED: loops and replicas each take a different one),
delivering it as a `SendLetter` to the user would be (LetterDispatcher: the preference, the
delivery log, a letter key that a repeat finds delivered) and deleting its row in the same
transaction. A letter that fails is pushed back in a transaction of its own, once the letter's
has rolled back (`reminder_retry_first_s`, doubling, at most `reminder_retry_max_s`); a permanent
refusal, or `letter_max_attempts` failed attempts, drops it (the delivery log says `failed`). An
error of any other kind is logged and pushed back the same way: one bad letter never stops the
rest.

A letter is logged and traced as its command's, as a `SendLetter` is by the consumer: its lines
carry the command's correlation id, the letter's id (`message_id`) and the command's
(`causation_id`), and its send, failure and all, is a span `send reminder` of the command's
trace (the correlation id and trace context are kept with the letter by keep_reminders), in
error when the attempt failed.

Beside the loops, one refresher per process keeps the gauges of the letters waiting
(reminder_metrics.py), stopping with them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import structlog

from lka_common import context, tracing
from lka_common.entrypoints import UowFactory
from lka_common.messaging.errors import PermanentError, is_transient
from lka_common.uow import UnitOfWork
from lka_notifications.adapters import reminders_due
from lka_notifications.domain.model import DueReminder
from lka_notifications.service_layer import reminder_metrics
from lka_notifications.service_layer.letters import LetterDispatcher
from lka_notifications.settings import NotificationsSettings

log = structlog.get_logger(__name__)

# Nothing due, or the last letter failed (SMTP down, most likely, for the next one too): look
# again after this long, or at once when stopped.
PAUSE_S = 1.0


def sender_count(settings: NotificationsSettings) -> int:
    """The loops to run: each holds one of the consumer's pool connections while it sends a
    letter, so at most one fewer than the pool has, and a transactional letter always finds one."""
    return max(1, min(settings.reminder_senders, settings.db_consumer_pool_size - 1))


async def run(
    stop: asyncio.Event, uow_factory: UowFactory, dispatcher: LetterDispatcher, settings: NotificationsSettings
) -> None:
    """The senders and the gauges' refresher, until `stop` is set (each sender finishes the letter
    in hand). The refresher holds a connection only for its one query, every
    `reminder_metrics_interval_s`: a handler waits at most that long for it."""
    count = sender_count(settings)
    if count < settings.reminder_senders:
        log.info("reminder_senders_limited", senders=count, pool=settings.db_consumer_pool_size)
    # The loops' queries belong to no request's trace: an idle sender's look every second would
    # be a root span in the collector each time. A letter's send is a span of its own (below).
    with tracing.without_library_spans():
        await asyncio.gather(
            reminder_metrics.run(stop, uow_factory, settings.reminder_metrics_interval_s),
            *(_sender(stop, uow_factory, dispatcher, settings) for _ in range(count)),
        )


async def _sender(
    stop: asyncio.Event, uow_factory: UowFactory, dispatcher: LetterDispatcher, settings: NotificationsSettings
) -> None:
    while not stop.is_set():
        try:
            settled = await send_next(uow_factory, dispatcher, settings)
        except Exception:  # the sender must outlive the database being away
            log.exception("reminder_sender_failed")
            settled = False
        if settled:
            # The connection just given back goes to a handler waiting for the pool, if one is,
            # before this loop asks for it again: the pool serves whoever asks first.
            await asyncio.sleep(0)
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PAUSE_S)


async def send_next(uow_factory: UowFactory, dispatcher: LetterDispatcher, settings: NotificationsSettings) -> bool:
    """Send the letter due first: True when it is settled (sent, turned off, dropped without an
    address), False when none is due or it failed (it is pushed back or dropped, as above)."""
    due: DueReminder | None = None
    # Open from the claim until the letter is settled, its failure's handling included, as the
    # consumer's context and span stay open until a message is settled.
    with contextlib.ExitStack() as serving:
        try:
            async with uow_factory() as uow:
                due = await reminders_due.claim_next(uow.session)
                if due is None:
                    return False
                serving.enter_context(_in_its_commands_context(due))
                await _deliver(uow, dispatcher, due)
                await reminders_due.remove(uow.session, due.id)
                await uow.commit()
            return True
        except Exception as exc:  # the letter's fate is decided below, never lost
            if due is None:
                raise
            tracing.mark_failed(exc)
            await _after_failure(uow_factory, settings, due, exc)
            return False


@contextlib.contextmanager
def _in_its_commands_context(due: DueReminder) -> Iterator[None]:
    """The letter's log lines and span as the consumer gives a message's: the command's
    correlation id, the letter's id as the message's and the command's id as its cause, in a span
    continuing the command's trace. A letter kept without them (before migration 0010) takes
    the command's id as its correlation, as the consumer does for an event without one, and a
    trace of its own."""
    with (
        tracing.continuing(due.trace_context, "send reminder", {"lka.letter.id": due.letter_id}),
        context.bound(
            correlation_id=due.correlation_id or due.message_id,
            message_id=due.letter_id,
            causation_id=due.message_id,
        ),
    ):
        yield


async def _deliver(uow: UnitOfWork, dispatcher: LetterDispatcher, due: DueReminder) -> None:
    await dispatcher.send(uow, message_id=due.letter_id, template=due.template, params=due.params, user_id=due.user_id)


async def _after_failure(
    uow_factory: UowFactory, settings: NotificationsSettings, due: DueReminder, error: Exception
) -> None:
    """Push the failed letter back, or drop it: refused for good (the dispatcher raises
    PermanentError at its last attempt too), or this was the row's last attempt."""
    attempts = due.attempts + 1
    given_up = isinstance(error, PermanentError) or attempts >= settings.letter_max_attempts
    if not (is_transient(error) or isinstance(error, PermanentError)):
        log.error("reminder_failed", reminder_id=due.id, template=due.template, error=repr(error), exc_info=error)
    async with uow_factory() as uow:
        if given_up:
            await reminders_due.remove(uow.session, due.id)
        else:
            first, longest = settings.reminder_retry_first_s, settings.reminder_retry_max_s
            await reminders_due.postpone(uow.session, due.id, first, longest)
        await uow.commit()
    outcome = "reminder_dropped" if given_up else "reminder_postponed"
    log.warning(outcome, reminder_id=due.id, template=due.template, attempts=attempts, error=repr(error)[:200])

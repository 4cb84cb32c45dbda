"""A reminder letter traced back to the `SendReminders` that asked for it, as a `SendLetter` is to
its command: sent later by a reminder sender, outside any message, its log lines still carry the
command's correlation id (the letter's id as `message_id`, the command's as `causation_id`), a
failed attempt's lines too, and its send is a span of the command's trace. A letter kept before
the command's ids were (migration 0010: the columns null) is still sent, correlated by its
command's id in a trace of its own. How the senders send: test_reminder_sender.py."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, MutableMapping
from typing import Any

import pytest
import structlog
from notifications_support import address, envelope, query
from opentelemetry import trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from structlog.testing import capture_logs

from lka_common import tracing
from lka_common.commands.notifications import Reminder, SendReminders
from lka_common.events.envelope import CloudEvent
from lka_common.testing.processes import free_port
from lka_common.uow import UnitOfWork
from lka_notifications.adapters import address_book, reminders_due
from lka_notifications.bootstrap import letter_dispatcher
from lka_notifications.service_layer import handlers, reminder_sender
from lka_notifications.settings import NotificationsSettings

TEMPLATE = "reading_window_reminder"
Logged = list[MutableMapping[str, Any]]  # structlog's lines, as capture_logs keeps them
PARAMS = {"account_number": "91000101", "period_title": "декабрь 2026 года", "closing_date": "25.12.2026"}
# The run's batch span the command was raised in (lka_common.tracing.job_batch), as readings' outbox keeps it.
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
BATCH_SPAN_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{BATCH_SPAN_ID}-01"


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """The spans lka_common.tracing starts, recorded in memory by a provider of this test's own."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with tracing.recorded_by(provider):
        yield exporter


@pytest.fixture
async def subscriber(
    settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork]
) -> AsyncIterator[uuid.UUID]:
    """A user with a confirmed address, alone in `reminders_due` (the sender takes the letter due
    first, whoever's it is), whose letters are gone from it after the test."""
    assert not await query(settings, "SELECT 1 FROM reminders_due"), "letters another test left waiting"
    user = uuid.uuid4()
    async with uow_factory() as uow:
        await address_book.save_address(uow.session, user, address(), confirmed=True)
        await uow.commit()
    yield user
    await query(settings, "DELETE FROM reminders_due WHERE user_id = $1", user)


async def keep(uow_factory: Callable[[], UnitOfWork], user: uuid.UUID, correlation_id: str) -> str:
    """A run's `SendReminders` of one letter, with that correlation id and the batch's
    traceparent, kept as its handler keeps it; its id."""
    command = SendReminders(template=TEMPLATE, letters=[Reminder(user_id=user, params=PARAMS)])
    event: CloudEvent = envelope(command).model_copy(
        update={"correlationid": correlation_id, "traceparent": TRACEPARENT}
    )
    async with uow_factory() as uow:
        await handlers.keep_reminders(uow, command, event)
        await uow.commit()
    return event.id


async def send_next(settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork]) -> Logged:
    """What one sender's turn logs (with the ids bound in context, as the JSON lines carry them)."""
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logged:
        await reminder_sender.send_next(uow_factory, letter_dispatcher(settings), settings)
    return logged


def lines(logged: Logged, event: str) -> list[tuple[str | None, ...]]:
    """The ids each `event` line carries: correlation, message, causation."""
    ids = ("correlation_id", "message_id", "causation_id")
    return [tuple(line.get(name) for name in ids) for line in logged if line["event"] == event]


def sends(spans: InMemorySpanExporter) -> list[ReadableSpan]:
    return [span for span in spans.get_finished_spans() if span.name == "send reminder"]


async def status_of(settings: NotificationsSettings, letter_id: str) -> list[str]:
    """The letter's row in the delivery log, as its status."""
    return [
        row["status"] for row in await query(settings, "SELECT status FROM letters WHERE message_id = $1", letter_id)
    ]


async def test_a_reminder_is_logged_with_its_commands_correlation_id(
    settings: NotificationsSettings, uow_factory: Callable[[], UnitOfWork], subscriber: uuid.UUID
) -> None:
    correlation_id = str(uuid.uuid4())
    command_id = await keep(uow_factory, subscriber, correlation_id)

    logged = await send_next(settings, uow_factory)

    assert await status_of(settings, f"{command_id}/0") == ["sent"]
    assert lines(logged, "letter_sent") == [(correlation_id, f"{command_id}/0", command_id)]


async def test_a_reminder_is_sent_in_a_span_of_its_commands_trace(
    settings: NotificationsSettings,
    uow_factory: Callable[[], UnitOfWork],
    subscriber: uuid.UUID,
    spans: InMemorySpanExporter,
) -> None:
    command_id = await keep(uow_factory, subscriber, str(uuid.uuid4()))

    await send_next(settings, uow_factory)

    assert await status_of(settings, f"{command_id}/0") == ["sent"]
    (span,) = sends(spans)
    assert trace.format_trace_id(span.context.trace_id) == TRACE_ID
    assert span.parent is not None and trace.format_span_id(span.parent.span_id) == BATCH_SPAN_ID
    assert span.attributes == {"lka.letter.id": f"{command_id}/0"}
    assert span.status.status_code is StatusCode.UNSET


async def test_a_failed_attempt_is_logged_with_its_commands_ids_in_a_span_in_error(
    settings: NotificationsSettings,
    uow_factory: Callable[[], UnitOfWork],
    subscriber: uuid.UUID,
    spans: InMemorySpanExporter,
) -> None:
    """SMTP away: the lines saying the letter failed and was pushed back name its command, and its
    span says it failed (a tracing backend shows the attempt in error, not as a success)."""
    correlation_id = str(uuid.uuid4())
    command_id = await keep(uow_factory, subscriber, correlation_id)

    logged = await send_next(settings.model_copy(update={"smtp_port": free_port()}), uow_factory)

    assert await status_of(settings, f"{command_id}/0") == ["retrying"]
    ids = (correlation_id, f"{command_id}/0", command_id)
    assert lines(logged, "letter_failed") == [ids]
    assert lines(logged, "reminder_postponed") == [ids]
    (span,) = sends(spans)
    assert span.status.status_code is StatusCode.ERROR
    assert [event.name for event in span.events] == ["exception"]


async def test_a_reminder_kept_before_its_commands_ids_were_is_still_sent(
    settings: NotificationsSettings,
    uow_factory: Callable[[], UnitOfWork],
    subscriber: uuid.UUID,
    spans: InMemorySpanExporter,
) -> None:
    """A row as migration 0009 made it: no correlation id, no trace context."""
    command_id = str(uuid.uuid4())
    await query(
        settings,
        "INSERT INTO reminders_due (message_id, position, template, user_id, params) VALUES ($1, 0, $2, $3, $4::jsonb)",
        command_id,
        TEMPLATE,
        subscriber,
        json.dumps(PARAMS),
    )

    logged = await send_next(settings, uow_factory)

    assert await status_of(settings, f"{command_id}/0") == ["sent"]
    assert lines(logged, "letter_sent") == [(command_id, f"{command_id}/0", command_id)]
    (span,) = sends(spans)
    assert span.parent is None and trace.format_trace_id(span.context.trace_id) != TRACE_ID


async def test_idle_senders_fill_no_trace_with_their_looks(
    settings: NotificationsSettings,
    uow_factory: Callable[[], UnitOfWork],
    subscriber: uuid.UUID,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the database's client instrumented (as it is when exporting), senders and the gauges'
    refresher finding nothing to do start no span: each look would be a trace's root."""
    looks = 0
    claim_next = reminders_due.claim_next

    async def counted(session: Any) -> Any:
        nonlocal looks
        looks += 1
        return await claim_next(session)

    monkeypatch.setattr(reminders_due, "claim_next", counted)
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrumentor = AsyncPGInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    try:
        stop = asyncio.Event()
        senders = asyncio.create_task(reminder_sender.run(stop, uow_factory, letter_dispatcher(settings), settings))
        for _ in range(100):  # until every sender has looked once (they look at start)
            if looks >= reminder_sender.sender_count(settings):
                break
            await asyncio.sleep(0.05)
        stop.set()
        await senders
        looked = await query(settings, "SELECT 1 FROM reminders_due")  # and a query outside them is traced
    finally:
        instrumentor.uninstrument()

    assert looks >= reminder_sender.sender_count(settings) and looked == []
    assert [span.name for span in exporter.get_finished_spans()] == ["SELECT"]

"""Traces (lka_common.tracing, docs/operations.md "Traces"): nothing recorded or sent without a
collector, yet every event carries a trace context; exported over OTLP when one is set; the
outbox row and the published event keep the trace of the code that raised the event."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid

import aio_pika
from aio_pika.abc import AbstractQueue
from opentelemetry import trace
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lka_common import tracing
from lka_common.events.base import EventData
from lka_common.events.envelope import new_event
from lka_common.messaging.relay import OutboxRelay
from lka_common.messaging.tables import outbox
from lka_common.messaging.topology import EVENTS_EXCHANGE, declare_exchanges
from lka_common.testing.otlp import OtlpReceiver
from lka_common.uow import UnitOfWork


class TracedHappened(EventData):
    event_type = "tests.traced.happened.v1"
    note: str


# A process as the services start one: configured, then a request's span raising an event.
_PROCESS = """
import json, sys
from opentelemetry import trace
from lka_common import tracing
from lka_common.events.envelope import new_event
from lka_common.events.base import EventData

class TracedHappened(EventData):
    event_type = "tests.traced.happened.v1"
    note: str

tracing.configure_tracing("tracing-test")
with trace.get_tracer("tests").start_as_current_span("request") as span:
    event = new_event(TracedHappened(note="x"), "/lka/tests", subject="probe")
    recording = span.is_recording()
json.dump({
    "recording": recording,
    "span_trace_id": trace.format_trace_id(span.get_span_context().trace_id),
    "traceparent": event.traceparent,
    "exporter_loaded": "opentelemetry.exporter.otlp.proto.http.trace_exporter" in sys.modules,
}, sys.stdout)
"""


def run_process(**otel: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")} | otel
    done = subprocess.run([sys.executable, "-c", _PROCESS], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_without_an_endpoint_nothing_is_recorded_or_sent_but_events_carry_a_traceparent() -> None:
    result = run_process()

    assert result["recording"] is False
    assert result["exporter_loaded"] is False
    assert tracing.trace_id_of(str(result["traceparent"])) == result["span_trace_id"]


def test_with_an_endpoint_the_process_exports_its_spans_over_otlp() -> None:
    with OtlpReceiver() as receiver:
        # gzip, as a collector behind a slow link would be configured: the receiver reads both.
        result = run_process(OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint, OTEL_EXPORTER_OTLP_COMPRESSION="gzip")
        spans = receiver.spans()  # sent on exit: the batch processor flushes at shutdown

    assert result["recording"] is True
    assert [(s.name, s.kind, s.service, s.trace_id) for s in spans] == [
        ("request", "INTERNAL", "tracing-test", result["span_trace_id"])
    ]
    assert tracing.trace_id_of(str(result["traceparent"])) == result["span_trace_id"]


def test_an_event_raised_outside_any_span_starts_a_trace_of_its_own() -> None:
    first = new_event(TracedHappened(note="a"), "/lka/tests", subject="probe")
    second = new_event(TracedHappened(note="b"), "/lka/tests", subject="probe")

    assert tracing.trace_id_of(first.traceparent) is not None
    assert tracing.trace_id_of(first.traceparent) != tracing.trace_id_of(second.traceparent)


async def test_the_outbox_row_and_the_published_event_keep_the_trace_that_raised_it(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], amqp_url: str
) -> None:
    tracer = tracing.tracer_provider("tracing-test", environ={}).get_tracer("tests")
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        await declare_exchanges(channel)
        queue: AbstractQueue = await channel.declare_queue(f"test.{uuid.uuid4().hex}", exclusive=True)
        await queue.bind(EVENTS_EXCHANGE, routing_key=TracedHappened.event_type)
        with tracer.start_as_current_span("request") as span:
            async with UnitOfWork(sessionmaker, "/lka/tests") as uow:
                event = uow.publish(TracedHappened(note=uuid.uuid4().hex), subject="probe")
                await uow.commit()
        trace_id = trace.format_trace_id(span.get_span_context().trace_id)

        relay = OutboxRelay(engine, amqp_url, "tests")
        await relay.connect()
        try:
            await relay.publish_batch()
        finally:
            await relay.close()
        message = None
        for _ in range(100):
            message = await queue.get(fail=False, no_ack=True)
            if message is not None and message.message_id == event.id:
                break
            await asyncio.sleep(0.05)
    finally:
        await connection.close()

    async with engine.connect() as conn:
        headers = (await conn.execute(select(outbox.c.headers).where(outbox.c.message_id == event.id))).scalar_one()
    assert tracing.trace_id_of(headers["traceparent"]) == trace_id
    assert message is not None and message.message_id == event.id
    assert tracing.trace_id_of(json.loads(message.body)["traceparent"]) == trace_id

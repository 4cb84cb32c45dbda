"""One trace from the caller's request to the letter's consumer (issue 20, traces: "must hold").

The stack of conftest.py exports to an OTLP receiver of this module's own. A reading submitted
through the gateway with a given `traceparent` is answered by the billing simulator and ends in
the notifications consumer; every process it crosses reports its spans under the caller's trace
id, and every event it causes on `lka.events` carries that trace id in its `traceparent`.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from functools import partial

import httpx
import pytest
from drill_support import V1, household

from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.testing import events
from lka_common.testing.amqp import declare_test_queue, drain
from lka_common.testing.otlp import OtlpReceiver, ReceivedSpan
from lka_common.testing.stack import Stack
from lka_common.tracing import trace_id_of

pytestmark = pytest.mark.slow

eventually = partial(events.eventually, timeout=45, interval=0.3)

# The chain of one reading: submitted by readings, answered by billing, its verdict applied by
# readings and told to the subscriber by notifications.
CHAIN = ["readings.reading.submitted.v1", "billing.reading.processed.v1", "readings.reading.accepted.v1"]


@pytest.fixture(scope="module")
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as running:
        yield running


@pytest.fixture(scope="module")
def stack_env(stack_env: tuple[dict[str, str], str, int], receiver: OtlpReceiver) -> tuple[dict[str, str], str, int]:
    """The stack of conftest.py, exporting its spans to `receiver` within a fifth of a second,
    and billing answering within half a second."""
    env, marker, offset = stack_env
    tracing = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200"}
    return env | tracing | {"LKA_BILLING_SIMULATOR_ANSWER_DELAY_S": "0.5"}, marker, offset


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


def spans_of(found: list[ReceivedSpan], service: str, kind: str) -> list[ReceivedSpan]:
    return [span for span in found if span.service == service and span.kind == kind]


async def test_one_trace_covers_a_reading_from_the_gateway_to_the_letters_consumer(
    http: httpx.AsyncClient, stack: Stack, receiver: OtlpReceiver
) -> None:
    home = await household(http, stack, "yalta", "91000202", "Елк")
    listener = f"tests.tracing_{uuid.uuid4().hex[:8]}"
    await declare_test_queue(stack.amqp_url, listener, [(EVENTS_EXCHANGE, key) for key in CHAIN])
    trace_id = secrets.token_hex(16)
    caller = f"00-{trace_id}-{secrets.token_hex(8)}-01"  # sampled: the stack records its spans

    submitted = await http.post(
        f"{V1}/accounts/{home.account_id}/readings",
        json={"meter_id": home.meter_id, "values": home.next_values()},
        headers={**home.me.headers, "traceparent": caller},
    )
    assert submitted.status_code == 201, submitted.text

    # Each process exports on its own schedule: wait for the last of each one's spans.
    expected = {
        ("gateway", "SERVER", "POST /api/v1/accounts/{account_id}/readings"),
        ("readings-api", "SERVER", "POST /api/v1/accounts/{account_id}/readings"),
        ("readings-relay", "PRODUCER", "publish readings.reading.submitted.v1"),
        ("billing-simulator", "CONSUMER", "process readings.reading.submitted.v1"),
        ("readings-consumer", "CONSUMER", "process billing.reading.processed.v1"),
        ("readings-relay", "PRODUCER", "publish readings.reading.accepted.v1"),
        ("notifications-consumer", "CONSUMER", "process readings.reading.accepted.v1"),
    }

    def the_whole_way() -> bool:
        return expected <= {(span.service, span.kind, span.name) for span in receiver.trace(trace_id)}

    try:
        await eventually(the_whole_way, "every process's spans of the reading in the caller's trace")
    except AssertionError:
        seen = {(span.service, span.kind, span.name) for span in receiver.trace(trace_id)}
        pytest.fail(f"none in the caller's trace: {sorted(expected - seen)}; there: {sorted(seen)}")
    found = receiver.trace(trace_id)
    gateway = spans_of(found, "gateway", "SERVER")
    assert [span.parent_span_id for span in gateway] == [caller.split("-")[2]]
    api = spans_of(found, "readings-api", "SERVER")
    assert [span.name for span in api] == ["POST /api/v1/accounts/{account_id}/readings"]
    # The service's server span is a child of the gateway's call to it (its client span).
    calls = {span.span_id: span for span in spans_of(found, "gateway", "CLIENT")}
    assert calls[str(api[0].parent_span_id)].parent_span_id == gateway[0].span_id
    database = spans_of(found, "readings-api", "CLIENT")
    assert any(key.startswith("db.") for span in database for key in span.attributes), database
    (billing,) = spans_of(found, "billing-simulator", "CONSUMER")
    # The simulator continued the trace: its answers' handling (the verdict, the meter's new last
    # reading) are children of its answering.
    answers = spans_of(found, "readings-consumer", "CONSUMER")
    assert {span.parent_span_id for span in answers} == {billing.span_id}

    heard = {}
    for message in await drain(stack.amqp_url, listener, idle_s=1.0):
        event = json.loads(message.body)
        heard[event["type"]] = trace_id_of(event.get("traceparent"))
    assert heard == dict.fromkeys(CHAIN, trace_id)

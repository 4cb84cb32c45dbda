"""The whole portal as `make run` starts it: every process ready, a request followed from the
gateway through the outbox, the broker and a consumer to a letter, and a clean Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import uuid
from functools import partial
from typing import Any

import aio_pika
import httpx
import pytest

from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.testing import events
from lka_common.testing.stack import Stack, processes_with_marker

# Polled every 0.3 s with a deadline for a whole stack on a shared machine.
eventually = partial(events.eventually, timeout=15, interval=0.3)

pytestmark = pytest.mark.slow

API_PORTS = [8001, 8002, 8003, 8004, 8005]
# The consumers' probes and the relays'.
WORKER_PORTS = [8101, 8102, 8103, 8104, 8105, 8201, 8202, 8203, 8204, 8205]


def log_records(stack: Stack, process: str) -> list[dict[str, Any]]:
    records = []
    for line in stack.process.text().splitlines():
        name, sep, rest = line.partition(" | ")
        if not sep or name.strip() != process:
            continue
        try:
            records.append(json.loads(rest))
        except ValueError:
            continue
    return records


async def test_gateway_and_every_service_process_are_ready(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=5) as http:
        assert (await http.get(f"{stack.gateway}/healthz")).status_code == 200
        for port in API_PORTS + WORKER_PORTS:
            response = await http.get(f"{stack.url(port)}/readyz")
            assert response.status_code == 200, f"port {port}: {response.text}"


async def test_request_id_becomes_the_events_correlation_id_and_reaches_the_consumer_log(stack: Stack) -> None:
    request_id = f"e2e-{uuid.uuid4()}"
    connection = await aio_pika.connect(stack.amqp_url)
    channel = await connection.channel()
    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(EVENTS_EXCHANGE, routing_key="notifications.#")
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            response = await http.post(
                f"{stack.gateway}/api/v1/feedback",
                json={"topic": f"Проверка {request_id}", "message": "Сквозной тест", "email": "e2e@example.ru"},
                headers={"X-Request-ID": request_id},
            )
            assert response.status_code == 201, response.text
            assert response.headers["x-request-id"] == request_id

            message = await eventually(lambda: queue.get(fail=False, no_ack=True))
            event = json.loads(message.body)
            assert event["type"] == "notifications.feedback.received.v1"
            assert event["correlationid"] == request_id

            async def letter() -> dict[str, Any] | None:
                letters = (await http.get(f"{stack.mail}/api/messages")).json()
                return next((m for m in letters if request_id in m["subject"]), None)

            found = await eventually(letter)
            assert found["to"] == ["feedback@crimea-energy.ru"]
            assert "Сквозной тест" in found["text"]
    finally:
        await connection.close()

    async def consumer_line() -> bool:
        return any(r.get("correlation_id") == request_id for r in log_records(stack, "notifications-consumer"))

    assert await eventually(consumer_line)


async def test_bad_body_through_the_gateway_gets_russian_problem_details(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.post(f"{stack.gateway}/api/v1/feedback", json={"topic": ""})

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {"field": "message", "message": "Обязательное поле"} in response.json()["errors"]


async def test_unknown_route_through_the_gateway_is_problem_404(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(f"{stack.gateway}/api/v1/no-such-thing", headers={"Authorization": "Bearer x"})

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"


async def test_ctrl_c_stops_every_process(stack: Stack) -> None:
    # Runs last in this module: it ends the stack.
    assert len(processes_with_marker(stack.marker)) >= 17
    assert stack.process.popen is not None

    os.killpg(stack.process.popen.pid, signal.SIGINT)

    code = await asyncio.get_running_loop().run_in_executor(None, stack.process.popen.wait, 30)
    assert code == 0
    assert await eventually(lambda: _none_left(stack.marker), timeout=10)


async def _none_left(marker: str) -> bool:
    return processes_with_marker(marker) == []

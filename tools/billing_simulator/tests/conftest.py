"""Fixtures of the billing simulator's tests: a vhost of their own, the simulator run in-process
with a short delay and a ledger in a temporary folder, and a queue that hears what billing says."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aio_pika
import pytest

from lka_billing_simulator.service import BillingSimulator
from lka_billing_simulator.settings import SimulatorSettings
from lka_common.events.base import EventData
from lka_common.events.envelope import new_event
from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.testing.amqp import amqp_channel, declare_test_queue, publish_raw
from lka_common.testing.servers import Servers, private_vhost

DELAY_S = 0.5


@pytest.fixture(scope="session")
def sim_amqp_url(servers: Servers, run_id: str) -> Iterator[str]:
    """A vhost of the simulator tests' own: the services' tests publish to theirs."""
    with private_vhost(servers, f"lka_test_{run_id}_billing_sim") as url:
        yield url


@pytest.fixture
def settings(sim_amqp_url: str, tmp_path: Path) -> SimulatorSettings:
    return SimulatorSettings(
        amqp_url=sim_amqp_url,
        answer_delay_s=DELAY_S,
        state_dir=tmp_path,
        queue=f"billing_simulator.test_{uuid.uuid4().hex[:8]}",
        health_port=0,
        bills_every_month=False,  # a test of bills turns them on; the others hear only their answers
    )


@pytest.fixture
async def simulator(settings: SimulatorSettings) -> AsyncIterator[Callable[..., Awaitable[None]]]:
    """`await simulator(**overrides)` starts one; all of them stop at the end of the test."""
    running: list[tuple[asyncio.Event, asyncio.Task[None]]] = []

    async def start(**overrides: Any) -> None:
        sim = BillingSimulator(settings.model_copy(update=overrides))
        stop = asyncio.Event()
        running.append((stop, asyncio.create_task(sim.run(stop))))
        while not sim.ready():
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # consuming

    yield start
    for stop, task in running:
        stop.set()
        await task


@dataclass(frozen=True)
class Heard:
    event: dict[str, Any]
    message_id: str | None
    content_type: str | None
    persistent: bool


class Billing:
    """A queue bound to every `billing.*` event, and a way to ask billing our questions."""

    def __init__(self, amqp_url: str, queue: str) -> None:
        self.amqp_url = amqp_url
        self.queue = queue

    async def ask(self, data: EventData, source: str) -> dict[str, Any]:
        """Publish one of our events (as its service's relay would); returns its envelope."""
        event = new_event(data, source, subject="tests")
        await publish_raw(self.amqp_url, [(event.to_json(), event.id)], data.event_type)
        return event.model_dump(mode="json")

    async def hear(self, count: int, timeout: float = 15) -> list[Heard]:
        """Wait for `count` events from billing (and take them off the queue)."""
        heard: list[Heard] = []
        deadline = asyncio.get_running_loop().time() + timeout
        async with amqp_channel(self.amqp_url, confirms=False) as channel:
            queue = await channel.declare_queue(self.queue, passive=True)
            while len(heard) < count:
                if asyncio.get_running_loop().time() > deadline:
                    raise AssertionError(f"heard {len(heard)} of {count} events")
                message = await queue.get(fail=False, no_ack=True)
                if message is None:
                    await asyncio.sleep(0.05)
                    continue
                persistent = message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
                heard.append(Heard(json.loads(message.body), message.message_id, message.content_type, persistent))
        return heard

    async def silence(self, seconds: float) -> list[Heard]:
        """Whatever billing says within `seconds` (expected: nothing)."""
        await asyncio.sleep(seconds)
        try:
            return await self.hear(1, timeout=0.1)
        except AssertionError:
            return []


@pytest.fixture
async def billing(sim_amqp_url: str) -> Billing:
    queue = f"tests.billing_{uuid.uuid4().hex[:8]}"
    await declare_test_queue(sim_amqp_url, queue, [(EVENTS_EXCHANGE, "billing.#")], quorum=False)
    return Billing(sim_amqp_url, queue)

"""The drills' harness: the notifications service's real processes, a private mail catcher,
and the counting helpers every drill asserts with (tests/drills/test_*_drills.py)."""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import asyncpg
import httpx

from lka_common.commands.notifications import SendLetter
from lka_common.events.envelope import CloudEvent, new_event
from lka_common.events.notifications import FeedbackReceived
from lka_common.messaging.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE, dead_letter_names
from lka_common.testing.amqp import publish_raw, queue_depth
from lka_common.testing.databases import plain_url
from lka_common.testing.http import serve_in_background
from lka_common.testing.private_servers import PrivateMailCatcher
from lka_common.testing.processes import ServiceProcess, free_port
from lka_notifications.bootstrap import build_app
from lka_notifications.settings import NotificationsSettings

T = TypeVar("T")
StartProcess = Callable[[str, str, dict[str, str]], ServiceProcess]

EVENT_KEY = FeedbackReceived.event_type
LETTER_KEY = SendLetter.event_type
# Letters are commands on lka.commands, taken by this queue of the notifications consumer.
CONSUMER_QUEUE = "notifications.commands"
DEAD_LETTER_QUEUE = dead_letter_names(CONSUMER_QUEUE)[1]
RELAY = "lka_notifications.entrypoints.relay"
CONSUMER = "lka_notifications.entrypoints.consumer"
SOURCE = "/lka/drills"
MAILBOX = "feedback@crimea-energy.ru"
# What a feedback's outbox rows go to: the event, and two letters (to the supplier, to the sender).
FEEDBACK_BINDINGS = [(EVENTS_EXCHANGE, EVENT_KEY), (COMMANDS_EXCHANGE, LETTER_KEY)]


# ----------------------------------------------------------------------------- helpers


async def poll(fetch: Callable[[], Any], ok: Callable[[T], bool], what: str, timeout: float = 30) -> T:
    """Fetch until `ok(value)`; fail with the last value seen after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if inspect.isawaitable(value):
            value = await value
        if ok(value):
            return value  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s; last seen: {value!r}")
        await asyncio.sleep(0.05)


def log_events(process: ServiceProcess, event: str) -> list[dict[str, Any]]:
    return [r for r in process.records() if r.get("event") == event]


def outcomes(*processes: ServiceProcess) -> Counter[str]:
    """`message_handled` outcomes of consumers: `handled` (effect applied) or `duplicate`."""
    return Counter(r["outcome"] for p in processes for r in log_events(p, "message_handled"))


def failures(consumer: ServiceProcess) -> list[dict[str, Any]]:
    """Log lines of a consumer meeting an error: retried, requeued, or dead-lettered."""
    kinds = {"message_retry", "message_failed", "message_dead_lettered"}
    return [r for r in consumer.records() if r.get("event") in kinds]


def x_death_reasons(headers: dict[str, Any]) -> list[tuple[str, int]]:
    deaths = headers.get("x-death") or []
    out = []
    for death in deaths:
        reason = death.get("reason")
        reason = reason.decode() if isinstance(reason, bytes) else str(reason)
        out.append((reason, int(death.get("count", 0))))
    return out


@dataclass
class Notifications:
    """The notifications service's workers, run for real on one database and one vhost."""

    database_url: str
    amqp_url: str
    mail: PrivateMailCatcher
    start_process: StartProcess
    tag: str = field(default_factory=lambda: f"drill-{uuid.uuid4().hex[:10]}")
    started: int = 0

    def env(self, fault: str | None = None) -> dict[str, str]:
        return {
            "LKA_ENVIRONMENT": "test",
            "LKA_NOTIFICATIONS_ENVIRONMENT": "test",
            "LKA_NOTIFICATIONS_DATABASE_URL": self.database_url,
            "LKA_NOTIFICATIONS_AMQP_URL": self.amqp_url,
            "LKA_NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
            "LKA_NOTIFICATIONS_SMTP_PORT": str(self.mail.smtp_port),
            "LKA_NOTIFICATIONS_FEEDBACK_MAILBOX": MAILBOX,
            "LKA_NOTIFICATIONS_CONSUMER_HEALTH_PORT": str(free_port()),
            "LKA_NOTIFICATIONS_RELAY_HEALTH_PORT": str(free_port()),
            "LKA_NOTIFICATIONS_LOG_LEVEL": "INFO",
            "LKA_FAULT_PAUSE": fault or "",
        }

    async def relay(self, fault: str | None = None) -> ServiceProcess:
        self.started += 1
        process = self.start_process(f"relay-{self.started}", RELAY, self.env(fault))
        await process.wait_for_event("relay_started")
        return process

    async def consumer(self, fault: str | None = None) -> ServiceProcess:
        self.started += 1
        process = self.start_process(f"consumer-{self.started}", CONSUMER, self.env(fault))
        await process.wait_for_event("consumer_started", queue=CONSUMER_QUEUE)
        return process

    def settings(self) -> NotificationsSettings:
        return NotificationsSettings(
            database_url=self.database_url,
            amqp_url=self.amqp_url,
            environment="test",
            db_pool_size=3,
            feedback_mailbox=MAILBOX,
            # The drills post from one address, more often than a person may.
            feedback_per_client_per_hour=10_000,
        )

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(plain_url(self.database_url), timeout=5)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    def address(self, label: str, i: int) -> str:
        return f"{self.tag}-{label}-{i}@example.ru"

    async def post_feedback(self, count: int, label: str) -> list[str]:
        """Feedback through the real API (served in this process); returns the senders' addresses.

        Each feedback commits its row and three outbox rows: the event, and two letters.
        """
        senders = []
        async with (
            serve_in_background(build_app(self.settings())) as base_url,
            httpx.AsyncClient(base_url=base_url, timeout=10) as client,
        ):
            for i in range(count):
                sender = self.address(label, i)
                topic = sender.removesuffix("@example.ru")
                response = await client.post(
                    "/api/v1/feedback", json={"topic": topic, "message": "Проверка", "email": sender}
                )
                assert response.status_code == 201, response.text
                senders.append(sender)
        return senders

    def letter(self, label: str, i: int) -> CloudEvent:
        """A `send letter` command, as another service's relay would publish it."""
        command = SendLetter(
            template="feedback_received", to=self.address(label, i), params={"topic": f"{label}-{i}", "name": None}
        )
        return new_event(command, SOURCE, subject=f"{label}-{i}")

    async def send(self, commands: list[CloudEvent]) -> None:
        await publish_raw(
            self.amqp_url, [(c.to_json(), c.id) for c in commands], LETTER_KEY, exchange=COMMANDS_EXCHANGE
        )

    async def outbox(self) -> list[asyncpg.Record]:
        return await self.fetch(
            "SELECT message_id::text AS message_id, exchange, sensitive, body, published_at FROM outbox ORDER BY id"
        )

    async def unpublished(self) -> int:
        rows = await self.fetch("SELECT count(*) AS n FROM outbox WHERE published_at IS NULL")
        return int(rows[0]["n"])

    async def published(self) -> int:
        rows = await self.fetch("SELECT count(*) AS n FROM outbox WHERE published_at IS NOT NULL")
        return int(rows[0]["n"])

    async def inbox(self) -> Counter[str]:
        rows = await self.fetch("SELECT message_id FROM inbox WHERE consumer = $1", CONSUMER_QUEUE)
        return Counter(row["message_id"] for row in rows)

    async def letters(self) -> Counter[str]:
        """Letters of this drill in the catcher: per sender's address, and per supplier's topic."""
        found: Counter[str] = Counter()
        for letter in await self.mail.letters():
            subject = str(letter.get("subject", ""))
            for recipient in letter.get("to", []):
                if self.tag in recipient:
                    found[recipient] += 1
                elif self.tag in subject:
                    found[f"{recipient}: {subject}"] += 1
        return found

    def expected_feedback_letters(self, senders: list[str]) -> Counter[str]:
        """One confirmation to each sender and one forward to the supplier's mailbox, each once."""
        letters = Counter({sender: 1 for sender in senders})
        for sender in senders:
            topic = sender.removesuffix("@example.ru")
            letters[f"{MAILBOX}: Обратная связь ЛКА: {topic}"] += 1
        return letters

    async def drained(self, consumer: ServiceProcess) -> None:
        """Stop the consumer (anything it had not acked goes back) and see both queues empty."""
        consumer.stop()
        assert await queue_depth(self.amqp_url, CONSUMER_QUEUE) == 0, "the consumer queue was not drained"
        assert await queue_depth(self.amqp_url, DEAD_LETTER_QUEUE) == 0, "a good message was dead-lettered"

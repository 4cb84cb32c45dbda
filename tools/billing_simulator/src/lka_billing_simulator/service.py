"""Playing billing for the demo accounts: readings and portal payments in, billing's answers out.

The queue is declared like any consumer's (quorum, delivery limit, `.dlq`). A message is acked
only after its answers are confirmed by the broker, so a crash answers it again later, with the
same event ids. Events about accounts that are not the simulator's own are acked and left alone:
the real billing, not this one, answers for those.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import structlog
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage, AbstractRobustConnection
from pydantic import ValidationError

from lka_billing_simulator import bills, demo
from lka_billing_simulator.answers import answer_payment, answer_reading, answer_refund
from lka_billing_simulator.bus import Publisher
from lka_billing_simulator.ledger import Ledger
from lka_billing_simulator.settings import SimulatorSettings
from lka_common import tracing
from lka_common.events.envelope import CloudEvent
from lka_common.events.payments import PaymentRefunded, PaymentSucceeded
from lka_common.events.readings import ReadingSubmitted
from lka_common.messaging.connection import connect
from lka_common.messaging.topology import EVENTS_EXCHANGE, declare_consumer_queue, declare_exchanges

log = structlog.get_logger(__name__)

RETRY_PAUSE_S = 1.0


class BillingSimulator:
    def __init__(self, settings: SimulatorSettings) -> None:
        self._settings = settings
        self._ledger = Ledger(settings.ledger_path)
        self._ledger_lock = asyncio.Lock()
        self._connection: AbstractRobustConnection | None = None
        self._channels: list[AbstractChannel] = []
        self._publisher: Publisher | None = None

    def ready(self) -> bool:
        return (
            self._connection is not None
            and not self._connection.is_closed
            and bool(self._channels)
            and not any(channel.is_closed for channel in self._channels)
        )

    async def run(self, stop: asyncio.Event) -> None:
        self._connection = await connect(self._settings.amqp_url, "billing-simulator")
        try:
            consuming = await self._connection.channel()
            await consuming.set_qos(prefetch_count=self._settings.prefetch)
            publishing = await self._connection.channel(publisher_confirms=True)
            self._channels = [consuming, publishing]
            self._publisher = Publisher((await declare_exchanges(publishing)).events)
            events = (await declare_exchanges(consuming)).events
            keys = [ReadingSubmitted.event_type, PaymentSucceeded.event_type, PaymentRefunded.event_type]
            queue = await declare_consumer_queue(
                consuming, events, self._settings.queue, keys, self._settings.delivery_limit
            )
            await queue.consume(self._on_message)
            log.info("billing_simulator_started", queue=self._settings.queue, delay_s=self._settings.answer_delay_s)
            if self._settings.bills_every_month:
                publisher = self._publisher
                interval = self._settings.bill_check_interval_s
                monthly = asyncio.create_task(bills.every_month(publisher.publish, self._ledger, stop, interval))
            await stop.wait()
            if self._settings.bills_every_month:
                await monthly
        finally:
            await self._connection.close()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        try:
            event = CloudEvent.from_json(message.body)
        except ValidationError as exc:
            await self._dead_letter(message, exc)
            return
        # In the question's trace: the answers carry it on (events.envelope), as ours do.
        with tracing.consuming(event.trace_context(), EVENTS_EXCHANGE, event.type, event.id, self._settings.queue):
            try:
                answers = await self.answer(event)
            except ValidationError as exc:
                await self._dead_letter(message, exc)
                return
            try:
                assert self._publisher is not None
                for answer in answers:
                    await self._publisher.publish(answer)
            except Exception as exc:  # noqa: BLE001 - unacked, the question comes back and is answered again
                log.warning("billing_simulator_answer_failed", message_id=message.message_id, error=repr(exc))
                await asyncio.sleep(RETRY_PAUSE_S)
                await message.reject(requeue=True)
                return
        await message.ack()
        if answers:
            log.info("billing_simulator_answered", question=event.type, answers=[a.type for a in answers])

    @staticmethod
    async def _dead_letter(message: AbstractIncomingMessage, error: ValidationError) -> None:
        log.error("billing_simulator_dead_lettered", message_id=message.message_id, error=str(error))
        await message.reject(requeue=False)

    async def answer(self, event: CloudEvent) -> list[CloudEvent]:
        """Billing's answers to one of our events; none for an account that is not a demo one."""
        if event.type == ReadingSubmitted.event_type:
            reading = ReadingSubmitted.model_validate(event.data)
            account = demo.find(reading.region_code, reading.account_number)
            if account is None:
                return []
            await asyncio.sleep(self._settings.answer_delay_s)
            return answer_reading(reading, account, event)
        if event.type == PaymentSucceeded.event_type:
            payment = PaymentSucceeded.model_validate(event.data)
            account = demo.find(payment.region_code, payment.account_number)
            if account is None:
                return []
            await asyncio.sleep(self._settings.answer_delay_s)
            async with self._ledger_lock:
                entry = self._ledger.register(
                    str(payment.payment_id),
                    payment.region_code,
                    payment.account_number,
                    payment.amount_kopecks,
                    payment.paid_at,
                    datetime.now(UTC),
                )
                paid = self._ledger.paid_through(entry)
            return answer_payment(payment, account, entry, paid, event)
        if event.type == PaymentRefunded.event_type:
            refund = PaymentRefunded.model_validate(event.data)
            account = demo.find(refund.region_code, refund.account_number)
            if account is None:
                return []
            await asyncio.sleep(self._settings.answer_delay_s)
            async with self._ledger_lock:
                # Booked as a negative registration, keyed by the refund: the same event again is a no-op.
                entry = self._ledger.register(
                    f"refund:{refund.refund_id}",
                    refund.region_code,
                    refund.account_number,
                    -refund.amount_kopecks,
                    refund.refunded_at,
                    datetime.now(UTC),
                )
                paid = self._ledger.paid_through(entry)
                came_in = [
                    e
                    for e in self._ledger.of_account(refund.region_code, refund.account_number)
                    if e.amount_kopecks > 0
                ]
            return answer_refund(refund, account, entry, paid, came_in[-1] if came_in else None, event)
        return []

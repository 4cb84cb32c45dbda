"""The virtual subscribers of `make bench`: their accounts and meters published as billing
would, their sign-up and sign-in through the gateway, and the calls each one makes in a phase.

Each virtual subscriber has an account and a meter of its own, so its readings rise
monotonically on that meter: billing's last reading of these meters never changes (the
billing simulator plays billing for its demo accounts only), and each new reading is 0.1 kWh
above the previous one in every zone, well inside the monthly ceiling and never a duplicate.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import aio_pika
import aiohttp
import asyncpg
import httpx
from floor import METER_ID
from recorder import Recorder

from lka_billing_simulator.bus import publisher
from lka_billing_simulator.demo import DemoAccount, DemoMeter
from lka_billing_simulator.events import account_state, meter_state
from lka_common.events.billing import LastReading
from lka_common.messaging.topology import declare_exchanges
from lka_common.testing.portal import bearer, new_subscriber, sign_in

V1 = "/api/v1"
SURNAME = "Нагрузкин"
REGIONS = ["simferopol", "yalta", "kerch", "feodosiya", "bakhchisaraysky_district"]
STEP = Decimal("0.1")
SUBMITTED_EVENT = "readings.reading.submitted.v1"
# Every answer the mix expects; anything else is an error.
MIX = {"list accounts": 200, "read meters": 200, "submit reading": 201, "read history": 200, "start payment": 201}
SUBMIT = {"submit reading": 201}
FLOOR = {"floor insert": 201}


def bench_account(index: int) -> DemoAccount:
    zones = index % 3 + 1
    values = {f"T{z}": str(Decimal(10_000 + 1_000 * index + 100 * z)) for z in range(1, zones + 1)}
    meter = DemoMeter(f"BENCH-{index:04d}", zones, 7, {k: Decimal(v) for k, v in values.items()}, date(2026, 10, 25))
    return DemoAccount(
        REGIONS[index % len(REGIONS)], f"93{index:06d}", SURNAME, "Н. Н.", f"г. Симферополь, ул. Тестовая, д. {index}",
        debt_kopecks=100_000 + index, penalty_kopecks=0, last_payment_kopecks=None, last_payment_date=None,
        last_payment_channel=None, meters=(meter,),
        # The demo tariff of as many zones, which the stack's billing simulator published: each
        # reading's answer carries its estimate, as a real subscriber's does.
        tariff_id=f"CRIMEA-{zones}Z",
    )  # fmt: skip


async def publish_accounts(amqp_url: str, count: int, run_id: str) -> list[DemoAccount]:
    """Billing's events for `count` accounts with one meter each, confirmed by the broker."""
    accounts = [bench_account(i) for i in range(count)]
    as_of = datetime.now(UTC)
    async with publisher(amqp_url) as bus:
        for account in accounts:
            await bus.publish(account_state(account, account.debt_kopecks, None, as_of, f"bench-{run_id}"))
            meter = account.meters[0]
            reading = LastReading.model_validate({"values": meter.last_values, "date": meter.last_date})
            await bus.publish(meter_state(account, meter, reading, f"bench-{run_id}", as_of))
    return accounts


async def wait_for_count(database_url: str, query: str, count: int, what: str, timeout_s: float = 60) -> None:
    """Until the stack's consumers have taken billing's events (read from their databases)."""
    deadline = time.monotonic() + timeout_s
    conn = await asyncpg.connect(database_url, timeout=10)
    try:
        while (found := await conn.fetchval(query)) < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"{what}: {found} of {count} after {timeout_s:.0f} s")
            await asyncio.sleep(0.3)
    finally:
        await conn.close()


@dataclass
class Virtual:
    index: int
    email: str
    headers: dict[str, str]
    account_id: str
    meter_id: str
    values: dict[str, Decimal]
    floor_value: Decimal = field(default=Decimal(0))

    def next_values(self) -> dict[str, float]:
        """The next reading: 0.1 kWh more in every zone (floats print as the shortest decimal)."""
        for zone in self.values:
            self.values[zone] += STEP
        return {zone: float(value) for zone, value in self.values.items()}


async def eventually_ok(probe: Callable[[], Awaitable[bool]], what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not await probe():
        if time.monotonic() > deadline:
            raise SystemExit(f"not within {timeout_s:.0f} s: {what}")
        await asyncio.sleep(0.3)


async def sign_up(http: httpx.AsyncClient, mail: str, account: DemoAccount, index: int) -> Virtual:
    """Registered, confirmed from the letter, signed in once, the account linked; ready once
    readings shows its meter and payments takes a payment for it."""
    me = await new_subscriber(http, mail)
    body = {"region_code": account.region_code, "number": account.number, "surname_prefix": SURNAME[:3]}
    linked = await http.post(f"{V1}/accounts", json=body, headers=me.headers)
    if linked.status_code != 201:
        raise SystemExit(f"linking {account.number}: {linked.status_code} {linked.text}")
    account_id = str(linked.json()["account"]["id"])
    meters: list[dict[str, object]] = []

    async def meter_visible() -> bool:
        nonlocal meters
        answer = await http.get(f"{V1}/accounts/{account_id}/meters", headers=me.headers)
        meters = answer.json() if answer.status_code == 200 else []
        return bool(meters)

    await eventually_ok(meter_visible, f"the meter of {account.number} in readings")
    payment_headers = {**me.headers, "Idempotency-Key": str(uuid.uuid4())}

    async def payments_knows() -> bool:
        answer = await http.post(
            f"{V1}/payments", json={"account_id": account_id, "amount": "1.00"}, headers=payment_headers
        )
        return answer.status_code in (200, 201)

    await eventually_ok(payments_knows, f"the link of {account.number} in payments")
    values = {zone: Decimal(value) for zone, value in account.meters[0].last_values.items()}
    return Virtual(index, me.email, me.headers, account_id, str(meters[0]["id"]), values)


async def sign_up_all(gateway: str, mail: str, accounts: list[DemoAccount], parallel: int = 8) -> list[Virtual]:
    gate = asyncio.Semaphore(parallel)
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:

        async def one(index: int, account: DemoAccount) -> Virtual:
            async with gate:
                return await sign_up(http, mail, account, index)

        return await asyncio.gather(*(one(i, a) for i, a in enumerate(accounts)))


async def sign_in_again(gateway: str, virtuals: list[Virtual], parallel: int = 8) -> None:
    """Each subscriber signed in afresh: its access token lives 15 minutes (identity's longest),
    shorter than a run of several long phases (`bench.py --pairs`)."""
    gate = asyncio.Semaphore(parallel)
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:

        async def one(me: Virtual) -> None:
            async with gate:
                me.headers.update(bearer(await sign_in(http, me.email)))

        await asyncio.gather(*(one(me) for me in virtuals))


class Phase:
    """A measured run of calls: a warm-up recorder first, then the measured one."""

    def __init__(self, expected: dict[str, int], think_s: float = 0.0) -> None:
        self.expected = expected
        self.recorder = Recorder(expected)
        self.stopping = False
        self.think_s = think_s  # the mix's pause between two calls of a subscriber (0: none)

    async def call(
        self, session: aiohttp.ClientSession, kind: str, method: str, url: str, **kwargs: object
    ) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        try:
            async with session.request(method, url, **kwargs) as response:  # type: ignore[arg-type]
                body = await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            status, body = 0, repr(exc).encode()
        ended = time.perf_counter()
        detail = "" if status == self.expected[kind] else body.decode(errors="replace")
        self.recorder.record(kind, status, (ended - started) * 1000, detail)
        return status, body, ended


async def mix_loop(phase: Phase, session: aiohttp.ClientSession, gateway: str, me: Virtual) -> None:
    """One subscriber's visit, again and again: accounts, meters, a reading, history, a payment."""
    account = f"{gateway}{V1}/accounts/{me.account_id}"
    steps: list[Callable[[], Awaitable[object]]] = [
        lambda: phase.call(session, "list accounts", "GET", f"{gateway}{V1}/accounts", headers=me.headers),
        lambda: phase.call(session, "read meters", "GET", f"{account}/meters", headers=me.headers),
        lambda: submit(phase, session, gateway, me),
        lambda: phase.call(session, "read history", "GET", f"{account}/readings", headers=me.headers),
        lambda: phase.call(
            session, "start payment", "POST", f"{gateway}{V1}/payments",
            json={"account_id": me.account_id, "amount": f"{100 + me.index}.{me.index % 100:02d}"},
            headers={**me.headers, "Idempotency-Key": str(uuid.uuid4())},
        ),
    ]  # fmt: skip
    while not phase.stopping:
        for step in steps:
            if phase.stopping:
                return
            await step()
            if phase.think_s:
                await asyncio.sleep(phase.think_s)


async def submit(phase: Phase, session: aiohttp.ClientSession, gateway: str, me: Virtual) -> None:
    url = f"{gateway}{V1}/accounts/{me.account_id}/readings"
    body = {"meter_id": me.meter_id, "values": me.next_values()}
    status, answer, at = await phase.call(session, "submit reading", "POST", url, json=body, headers=me.headers)
    if status == 201:
        phase.recorder.reading(json.loads(answer)["id"], at)


async def submit_loop(phase: Phase, session: aiohttp.ClientSession, gateway: str, me: Virtual) -> None:
    while not phase.stopping:
        await submit(phase, session, gateway, me)


async def floor_loop(phase: Phase, session: aiohttp.ClientSession, floor: str, me: Virtual) -> None:
    while not phase.stopping:
        me.floor_value += STEP
        body = {"meter_id": str(METER_ID), "values": {"T1": float(me.floor_value + me.index * 100_000)}}
        await phase.call(session, "floor insert", "POST", f"{floor}/readings", json=body)


class EventWatch:
    """A queue of our own on the stack's `lka.events`, bound to readings' submitted event: when
    each reading's event arrived, by reading id."""

    def __init__(self, amqp_url: str) -> None:
        self.amqp_url = amqp_url
        self.arrived: dict[str, float] = {}
        self._connection: aio_pika.abc.AbstractRobustConnection | None = None

    async def start(self) -> None:
        self._connection = await aio_pika.connect_robust(
            self.amqp_url, client_properties={"connection_name": "bench-event-watch"}
        )
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=1000)
        exchanges = await declare_exchanges(channel)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(exchanges.events, routing_key=SUBMITTED_EVENT)
        await queue.consume(self._on_message, no_ack=True)

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        at = time.perf_counter()
        reading_id = json.loads(message.body)["data"]["reading_id"]
        self.arrived.setdefault(reading_id, at)

    async def delays(self, submitted: dict[str, float], timeout_s: float = 15) -> tuple[list[float], int]:
        """Milliseconds from each 201 to its event (0 when the event came first), and how many
        events had not come `timeout_s` after the phase."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if all(rid in self.arrived for rid in submitted):
                break
            await asyncio.sleep(0.2)
        delays = [max(self.arrived[rid] - at, 0.0) * 1000 for rid, at in submitted.items() if rid in self.arrived]
        return sorted(delays), sum(1 for rid in submitted if rid not in self.arrived)

    async def stop(self) -> None:
        if self._connection is not None:
            await self._connection.close()

"""Autopay end to end (issue 21, "must hold" 2), on the whole stack with the emulated bank: with
the clock moved (each payments worker's `LKA_PAYMENTS_CLOCK_OFFSET_S`, and the bank's by
`POST /emulator/clock`), the day's run pays exactly once per account across a SIGKILL mid-run and
two schedulers racing; the letters arrive, once each; two failures turn it off.

The stack's own payments consumer schedules nothing here (`LKA_PAYMENTS_SCHEDULER_ENABLED=false`):
the day's runs are made by payments consumers the test starts itself, in the stack's consumer's
environment, each with its clock moved to the day it plays, a 1 s lease and a schedule that never
fires while the test runs, so each worker makes exactly one run (the one at its start).

One subscriber, one card saved on the bank's page, three accounts published as billing would
(one of them owing more than its autopay's cap), each month's debts announced afresh; every
account pays on the 10th. What is counted is what a person or an auditor would look at: the
bank's orders of the subscriber per account and month, the accounts' payment history, the
letters in the mail catcher, `GET /accounts/{id}/autopay`, and `payments.autopay.disabled.v1`
on `lka.events` (a queue of the test's own).

One autopay per account as a co-owner would try to break it: test_autopay_co_owner.py (no clock
moved, no worker of its own, so a module apart).
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from typing import Any

import aiohttp
import httpx
import pytest
import scheduler_support
from autopay_support import DAY, VISA, Autopayer, bank_orders, binding_of, move_bank_clock
from billing_support import account_update, link, new_number, projected, publish
from drill_support import PROBE_QUEUE, Probe, fetch, unpublished
from payments_support import V1, eventually, save_card, user_id_of
from scheduler_support import Workers, logged

from lka_acquirer_emulator.testing import Browser
from lka_common.events.payments import AutopayDisabled
from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.money import format_kopecks
from lka_common.scheduler.clock import Clock
from lka_common.testing.amqp import declare_test_queue, queue_depth
from lka_common.testing.portal import new_subscriber
from lka_common.testing.processes import ServiceProcess
from lka_common.testing.stack import Stack

pytestmark = [pytest.mark.slow, pytest.mark.drill]

JOB = "payments.autopay"
PAUSE_POINT = "autopay_before_commit"  # between the bank's answer and the commit
PAID, DECLINED, INSUFFICIENT_FUNDS = 2, 6, 116  # RBS order statuses, action code
# Each account's debt, penalty and autopay cap (kopecks): the second owes more than its cap.
OWES = [(153_540, 1_230, 500_000), (84_515, 0, 50_000), (9_999, 0, 500_000)]
CHARGES = [min(debt + penalty, cap) for debt, penalty, cap in OWES]  # min(due, cap): 1547.70, 500.00, 99.99
LETTERS_QUEUE = "notifications.commands"
PAID_LETTER, FAILED_LETTER, OFF_LETTER = "Автоплатеж прошел", "Автоплатеж не прошел", "Автоплатеж не прошел и отключен"


@pytest.fixture(scope="module")
def stack_env(stack_env: tuple[dict[str, str], str, int]) -> tuple[dict[str, str], str, int]:
    """The e2e conftest's stack, its payments consumer scheduling nothing: the test's workers do."""
    env, marker, offset = stack_env
    return env | {"LKA_PAYMENTS_SCHEDULER_ENABLED": "false"}, marker, offset


# ----------------------------------------------------------------------------- the days


def tenth(months_ahead: int) -> date:
    """The autopay day `months_ahead` months from now: each scenario has a month of its own."""
    today = Clock().today()
    month = today.month - 1 + months_ahead
    return date(today.year + month // 12, month % 12 + 1, DAY)


# ----------------------------------------------------------------------------- the workers


@pytest.fixture(scope="module")
def workers(stack: Stack) -> Iterator[Workers]:
    found = Workers(stack, "payments", "autopay_schedule", PAUSE_POINT)
    yield found
    found.close()


async def run_ended(worker: ServiceProcess) -> dict[str, Any]:
    return await scheduler_support.run_ended(worker, JOB)


# ----------------------------------------------------------------------------- the subscriber


@pytest.fixture(scope="module")
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


@pytest.fixture(scope="module")
async def probe(stack: Stack) -> Probe:
    """A queue of the test's own on `lka.events`, as an enterprise system would bind one."""
    await declare_test_queue(stack.amqp_url, PROBE_QUEUE, [(EVENTS_EXCHANGE, AutopayDisabled.event_type)])
    return Probe(stack.amqp_url)


@pytest.fixture(scope="module")
async def autopayer(
    http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int], probe: Probe
) -> Autopayer:
    """A subscriber with three accounts billing published, a card saved on the bank's page, and
    autopay on the 10th for each account through the gateway."""
    me = await new_subscriber(http, stack.mail)
    numbers = [new_number() for _ in OWES]
    for number in numbers:
        await publish(stack, account_update(number))
    ids = [await link(http, stack_env, me, number) for number in numbers]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        card = await save_card(http, Browser(session), me, ids[0], VISA)
    for account_id, (_, _, cap) in zip(ids, OWES, strict=True):
        body = {"card_id": card["id"], "day_of_month": DAY, "max_amount": format_kopecks(cap)}

        async def enabled(account_id: str = account_id, body: dict[str, Any] = body) -> dict[str, Any] | None:
            response = await http.put(f"{V1}/accounts/{account_id}/autopay", json=body, headers=me.headers)
            if response.status_code == 404 and response.json()["code"] == "not_found":
                return None  # the link event has not reached payments yet
            assert response.status_code == 200, response.text
            return dict(response.json())

        autopay = await eventually(enabled, f"autopay of {account_id} set")
        assert (autopay["status"], autopay["day_of_month"], autopay["card"]["id"]) == ("active", DAY, card["id"])
    return Autopayer(me, user_id_of(me), dict(zip(numbers, ids, strict=True)))


async def bill(stack: Stack, stack_env: tuple[dict[str, str], str, int], payer: Autopayer) -> None:
    """Billing announces this month's debts (OWES) afresh, and payments has them."""
    for number, (debt, penalty, _) in zip(payer.accounts, OWES, strict=True):
        update = account_update(number, debt_kopecks=debt, penalty_kopecks=penalty)
        await publish(stack, update)
        sql = "SELECT 1 FROM account_balances WHERE account_number = $1 AND as_of >= $2"
        await projected(stack_env, "payments", sql, number, update.as_of)


# ----------------------------------------------------------------------------- what is counted


async def payments_of(http: httpx.AsyncClient, payer: Autopayer, number: str, orders: list[Any]) -> list[Any]:
    """The account's payment history lines made by these bank orders: (amount, status)."""
    numbers = {order[0] for order in orders}
    response = await http.get(f"{V1}/accounts/{payer.accounts[number]}/payments", headers=payer.me.headers)
    assert response.status_code == 200, response.text
    return [(h["amount"], h["status"]) for h in response.json() if uuid.UUID(h["id"]).hex in numbers]


async def autopay_of(http: httpx.AsyncClient, payer: Autopayer, number: str) -> dict[str, Any]:
    response = await http.get(f"{V1}/accounts/{payer.accounts[number]}/autopay", headers=payer.me.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def letters(http: httpx.AsyncClient, stack: Stack, payer: Autopayer, day: date) -> list[dict[str, Any]]:
    """The autopay letters to the subscriber that speak of `day`'s month."""
    month = f".{day:%m.%Y}"
    caught = (await http.get(f"{stack.mail}/api/messages")).json()
    return [
        m
        for m in caught
        if payer.me.email in m["to"] and m["subject"].startswith("Автоплатеж") and month in (m["text"] or "")
    ]


def kinds(found: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    """(subject, the account number the letter names) of each letter."""
    return Counter((m["subject"], re.findall(r"№ (\d+)", m["text"])[0]) for m in found)


async def letters_settle(
    http: httpx.AsyncClient,
    stack: Stack,
    stack_env: tuple[dict[str, str], str, int],
    payer: Autopayer,
    day: date,
    expected: Counter[tuple[str, str]],
) -> list[dict[str, Any]]:
    """Wait for the letters expected, then until nothing more is on its way (payments' outbox
    published, the letters' queue empty), and compare: each exactly once, none besides."""

    async def arrived() -> bool:
        return sum(kinds(await letters(http, stack, payer, day)).values()) >= expected.total()

    await eventually(arrived, f"{expected.total()} letters of {day:%m.%Y}")

    async def quiet() -> bool:
        published = await unpublished(stack_env[0]["LKA_PAYMENTS_DATABASE_URL"]) == 0
        return published and await queue_depth(stack.amqp_url, LETTERS_QUEUE) == 0

    await eventually(quiet, "no letter on its way")
    found = await letters(http, stack, payer, day)
    assert kinds(found) == expected
    return found


async def lease_lapsed(stack_env: tuple[dict[str, str], str, int]) -> None:
    """The autopay job's lease is free, or its holder's time ran out."""
    sql = "SELECT lease_until IS NULL OR lease_until < now() AS free FROM scheduled_jobs WHERE name = $1"

    async def free() -> bool:
        rows = await fetch(stack_env[0]["LKA_PAYMENTS_DATABASE_URL"], sql, JOB)
        return bool(rows and rows[0]["free"])

    await eventually(free, "the autopay lease lapsed")


def paid_once_each(payer: Autopayer) -> dict[str, list[tuple[int, int, int]]]:
    """What the bank must hold for a month each account paid: one paid order of its charge."""
    return {n: [(charge, PAID, 0)] for n, charge in zip(payer.accounts, CHARGES, strict=True)}


def without_numbers(orders: dict[str, list[tuple[str, int, int, int]]]) -> dict[str, list[tuple[int, int, int]]]:
    return {n: [o[1:] for o in each] for n, each in orders.items()}


async def paid_exactly_once(http: httpx.AsyncClient, stack: Stack, payer: Autopayer, day: date) -> None:
    """The bank holds one paid order per account this month, and payments one succeeded payment
    made by it, of min(due, cap); autopay shows it as the last attempt."""
    orders = await bank_orders(stack, payer, day)
    assert without_numbers(orders) == paid_once_each(payer)
    for number, charge in zip(payer.accounts, CHARGES, strict=True):
        assert await payments_of(http, payer, number, orders[number]) == [(format_kopecks(charge), "succeeded")]
        last = (await autopay_of(http, payer, number))["last_attempt"]
        assert (last["period"], last["attempt"], last["status"], last["amount"]) == (
            f"{day:%Y-%m}",
            1,
            "succeeded",
            format_kopecks(charge),
        )


def paid_letters(payer: Autopayer) -> Counter[tuple[str, str]]:
    return Counter({(PAID_LETTER, number): 1 for number in payer.accounts})


# ----------------------------------------------------------------------------- the drills


async def test_1_three_days_before_the_day_each_account_is_reminded_once_with_amount_and_date(
    http: httpx.AsyncClient,
    stack: Stack,
    stack_env: tuple[dict[str, str], str, int],
    autopayer: Autopayer,
    workers: Workers,
) -> None:
    payday = tenth(1)
    await bill(stack, stack_env, autopayer)
    await move_bank_clock(stack, payday - timedelta(days=3))

    # Two schedulers started together on the reminder day: one runs, or both in turn.
    both = [workers.start(payday - timedelta(days=3)) for _ in range(2)]
    outcomes = [(await run_ended(worker))["event"] for worker in both]

    stamp = f"{payday:%d.%m.%Y}"
    expected = Counter({(f"Автоплатеж {stamp}: счет № {number}", number): 1 for number in autopayer.accounts})
    found = await letters_settle(http, stack, stack_env, autopayer, payday, expected)
    for number, charge in zip(autopayer.accounts, CHARGES, strict=True):
        (text,) = [m["text"] for m in found if number in m["subject"]]
        assert f"{stamp} с сохраненной карты будет оплачено {format_kopecks(charge)} руб." in text
    assert await bank_orders(stack, autopayer, payday) == {}, "charged before the day"
    print(f"reminder day, two schedulers: {outcomes}")


async def test_2_a_worker_killed_between_the_banks_answer_and_the_commit_pays_nothing_twice(
    http: httpx.AsyncClient,
    stack: Stack,
    stack_env: tuple[dict[str, str], str, int],
    autopayer: Autopayer,
    workers: Workers,
) -> None:
    payday = tenth(2)
    await bill(stack, stack_env, autopayer)
    await move_bank_clock(stack, payday)

    victim = workers.start(payday, pause_s=30)
    await victim.wait_for_event("fault_pause", point=PAUSE_POINT, timeout=60)
    (claimed,) = logged(victim, "autopay_claimed")
    number = next(n for n, account_id in autopayer.accounts.items() if account_id == claimed["account_id"])
    orders = await bank_orders(stack, autopayer, payday)
    # The window that matters: the bank has charged the card, payments has not recorded it.
    assert without_numbers(orders) == {number: paid_once_each(autopayer)[number]}
    assert await payments_of(http, autopayer, number, orders[number]) == []
    victim.kill()

    await lease_lapsed(stack_env)
    fresh = workers.start(payday)
    assert (await run_ended(fresh))["status"] == "finished"

    await paid_exactly_once(http, stack, autopayer, payday)
    await letters_settle(http, stack, stack_env, autopayer, payday, paid_letters(autopayer))
    assert [r["account_id"] for r in logged(fresh, "autopay_settled")].count(claimed["account_id"]) == 1


async def test_3_two_schedulers_racing_on_one_attempt_pay_it_once(
    http: httpx.AsyncClient,
    stack: Stack,
    stack_env: tuple[dict[str, str], str, int],
    autopayer: Autopayer,
    workers: Workers,
) -> None:
    payday = tenth(3)
    await bill(stack, stack_env, autopayer)
    await move_bank_clock(stack, payday)

    # The first holds its first attempt (the bank's answer in hand, not committed) past its lease;
    # the second, started beside it, takes the lapsed lease and resumes that very attempt.
    first = workers.start(payday, pause_s=10)
    await first.wait_for_event("fault_pause", point=PAUSE_POINT, timeout=60)
    (claimed,) = logged(first, "autopay_claimed")
    await lease_lapsed(stack_env)
    second = workers.start(payday)
    assert (await run_ended(second))["status"] == "finished"
    await run_ended(first)

    # Both acted on that attempt: the second settled it, the first found it settled.
    assert claimed["account_id"] in [r["account_id"] for r in logged(second, "autopay_settled")]
    assert claimed["account_id"] in [r["account_id"] for r in logged(first, "autopay_settled_elsewhere")]
    await paid_exactly_once(http, stack, autopayer, payday)
    await letters_settle(http, stack, stack_env, autopayer, payday, paid_letters(autopayer))


async def test_4_two_failures_in_a_month_turn_autopay_off_and_say_why(
    http: httpx.AsyncClient,
    stack: Stack,
    stack_env: tuple[dict[str, str], str, int],
    autopayer: Autopayer,
    workers: Workers,
    probe: Probe,
) -> None:
    payday, retry_day = tenth(4), tenth(4) + timedelta(days=1)
    await bill(stack, stack_env, autopayer)
    binding = await binding_of(stack, autopayer)
    async with httpx.AsyncClient(base_url=stack.url(8090), timeout=20) as bank:
        told = await bank.put(f"/emulator/bindings/{binding}", json={"action_code": INSUFFICIENT_FUNDS})
    assert told.status_code == 200, told.text

    await move_bank_clock(stack, payday)
    assert (await run_ended(workers.start(payday)))["status"] == "finished"

    failed = Counter({(FAILED_LETTER, number): 1 for number in autopayer.accounts})
    found = await letters_settle(http, stack, stack_env, autopayer, payday, failed)
    for message in found:
        assert "Причина: Недостаточно средств на карте" in message["text"]
        assert f"Мы попробуем еще раз {retry_day:%d.%m.%Y}" in message["text"]
    for number in autopayer.accounts:
        autopay = await autopay_of(http, autopayer, number)
        assert (autopay["status"], autopay["last_attempt"]["status"]) == ("active", "failed")
        assert autopay["last_attempt"]["failure_reason"] == "insufficient_funds"

    await move_bank_clock(stack, retry_day)
    assert (await run_ended(workers.start(retry_day)))["status"] == "finished"

    off = Counter({(OFF_LETTER, number): 1 for number in autopayer.accounts})
    found = await letters_settle(http, stack, stack_env, autopayer, payday, failed + off)
    for message in found:
        if message["subject"] == OFF_LETTER:
            assert "Причина: Недостаточно средств на карте" in message["text"]
            assert "вторая неудачная попытка в этом месяце, поэтому автоплатеж отключен" in message["text"]
    declined_twice = {
        n: [(c, DECLINED, INSUFFICIENT_FUNDS)] * 2 for n, c in zip(autopayer.accounts, CHARGES, strict=True)
    }
    orders = await bank_orders(stack, autopayer, payday)
    assert without_numbers(orders) == declined_twice
    for number, charge in zip(autopayer.accounts, CHARGES, strict=True):
        assert await payments_of(http, autopayer, number, orders[number]) == [(format_kopecks(charge), "failed")] * 2
        autopay = await autopay_of(http, autopayer, number)
        assert (autopay["status"], autopay["disabled_reason"], autopay["next_payment_date"]) == (
            "disabled",
            "payment_failed",
            None,
        )
        assert autopay["message"]

    async def announced() -> dict[str, Counter[str]] | None:
        await probe.collect()
        seen = probe.ids_by(AutopayDisabled.event_type, "account_id")
        return seen if len(seen) >= len(autopayer.accounts) else None

    seen = await eventually(announced, "payments.autopay.disabled.v1 for each account")
    assert {account: sum(ids.values()) for account, ids in seen.items()} == dict.fromkeys(
        autopayer.accounts.values(), 1
    )
    reasons = {e["data"]["reason"] for e in probe.events if e["type"] == AutopayDisabled.event_type}
    assert reasons == {"payment_failed"}

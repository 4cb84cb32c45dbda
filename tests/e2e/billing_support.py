"""Billing as the end-to-end tests of tariffs, estimates and bills play it: an account of the
test's own (not the simulator's: nobody else answers for it), its meter and tariff, and its bills,
each published on `lka.events` exactly as billing would; a subscriber who linked it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from lka_common.events.base import EventData
from lka_common.events.billing import (
    BillingAccountUpdated,
    BillingBillIssued,
    BillingMeterUpdated,
    BillingTariffUpdated,
    BillLine,
    LastReading,
)
from lka_common.testing.databases import plain_url
from lka_common.testing.events import eventually, publish_event
from lka_common.testing.portal import Subscriber, new_subscriber
from lka_common.testing.stack import Stack

V1 = "/api/v1"
REGION = "alushta"
SURNAME = "Тарасова"
ADDRESS = "г. Алушта, ул. Ленина, д. 7, кв. 3"


@dataclass(frozen=True)
class Household:
    me: Subscriber
    account_id: str
    number: str


async def publish(stack: Stack, data: EventData) -> None:
    await publish_event(stack.amqp_url, data)


def new_number() -> str:
    return f"78{secrets.randbelow(10**8):08d}"


async def projected(stack_env: tuple[dict[str, str], str, int], service: str, sql: str, *args: Any) -> None:
    """Wait until a service's projection of billing's events has the row `sql` finds: billing's
    events travel on several queues, and no API tells that a tariff has arrived (nor should it)."""
    url = plain_url(stack_env[0][f"LKA_{service.upper()}_DATABASE_URL"])

    async def found() -> bool:
        connection = await asyncpg.connect(url)
        try:
            return await connection.fetchval(sql, *args) is not None
        finally:
            await connection.close()

    await eventually(found, f"{service}: {sql} {args}", timeout=30, interval=0.3)


def account_update(
    number: str, tariff_id: str | None = None, debt_kopecks: int = 0, penalty_kopecks: int = 0
) -> BillingAccountUpdated:
    """The account as billing announces it now: its owner, its tariff and what it owes."""
    return BillingAccountUpdated(
        region_code=REGION,
        number=number,
        owner_surname=SURNAME,
        owner_initials="Е. В.",
        address=ADDRESS,
        debt_kopecks=debt_kopecks,
        penalty_kopecks=penalty_kopecks,
        last_payment=None,
        as_of=datetime.now(UTC),
        tariff_id=tariff_id,
    )


async def household(
    http: httpx.AsyncClient,
    stack: Stack,
    stack_env: tuple[dict[str, str], str, int],
    number: str,
    tariff_id: str | None = None,
) -> Household:
    """The account published by billing (on this tariff) and linked to a new subscriber."""
    await publish(stack, account_update(number, tariff_id))
    me = await new_subscriber(http, stack.mail)
    return Household(me, await link(http, stack_env, me, number), number)


async def link(http: httpx.AsyncClient, stack_env: tuple[dict[str, str], str, int], me: Subscriber, number: str) -> str:
    """Link an account billing published to `me`; its id."""
    # Linked only once the registry has it: before, the right proof would file a request.
    await projected(stack_env, "accounts", "SELECT 1 FROM billing_accounts WHERE number = $1", number)
    body = {"region_code": REGION, "number": number, "surname_prefix": SURNAME[:3]}
    created = await http.post(f"{V1}/accounts", json=body, headers=me.headers)
    assert created.status_code == 201, created.text
    return str(created.json()["account"]["id"])


def meter(number: str, serial: str, digits: int, **last: str) -> BillingMeterUpdated:
    return BillingMeterUpdated(
        region_code=REGION,
        account_number=number,
        serial_number=serial,
        zones=len(last),  # type: ignore[arg-type]
        digits=digits,
        last_reading=LastReading.model_validate({"values": last, "date": date(2026, 10, 25)}),
        removed=False,
        verification_due=date(2031, 6, 30),
    )


def tariff(tariff_id: str, **prices: int) -> BillingTariffUpdated:
    return BillingTariffUpdated.model_validate(
        {
            "tariff_id": tariff_id,
            "region_code": None,
            "zones": len(prices),
            "prices_kopecks": prices,
            "valid_from": "2020-01-01",
            "valid_to": None,
        }
    )


def bill(number: str, period: str, total_due_kopecks: int = 130801) -> BillingBillIssued:
    """A two-zone month: 127 kWh by day at 6.49, 45.5 kWh by night at 3.25."""
    return BillingBillIssued(
        bill_id=f"E2E-{number}-{period}",
        region_code=REGION,
        account_number=number,
        period=period,
        issued_at=datetime.now(UTC),
        opening_balance_kopecks=152340,
        lines=[
            BillLine(
                title="Электроэнергия, день",
                zone="T1",
                quantity_kwh=Decimal(127),
                price_kopecks=649,
                amount_kopecks=82423,
            ),
            BillLine(
                title="Электроэнергия, ночь",
                zone="T2",
                quantity_kwh=Decimal("45.5"),
                price_kopecks=325,
                amount_kopecks=14788,
            ),
        ],
        payments_kopecks=120000,
        penalty_kopecks=1250,
        total_due_kopecks=total_due_kopecks,
        due_date=date(2026, 12, 10),
    )

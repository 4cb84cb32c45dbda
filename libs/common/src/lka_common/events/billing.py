"""Events published by billing (the enterprise system), inbound to the portal (docs/contract.md §3).

Billing publishes them on `lka.events` with source `/billing`; the project's billing simulator
publishes the same. Billing owns these shapes; the models check the types the contract gives them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from pydantic import Field

from lka_common.events.base import EventData
from lka_common.events.fields import AccountNumber, EventPart, Kopecks, MeterValues, Moment, RegionCode


class LastPayment(EventPart):
    amount_kopecks: Kopecks
    date: dt.date


class BillingAccountUpdated(EventData):
    """A personal account as billing sees it now: owner, address, debt and penalty."""

    event_type = "billing.account.updated.v1"

    region_code: RegionCode
    number: AccountNumber
    owner_surname: str
    owner_initials: str
    address: str
    debt_kopecks: Kopecks = Field(description="Debt in kopecks: > 0 the subscriber owes, < 0 overpaid.")
    penalty_kopecks: Kopecks
    last_payment: LastPayment | None = Field(description="The last payment billing registered, or null if none.")
    as_of: Moment = Field(description="When billing computed this state; the newest as_of wins.")


class LastReading(EventPart):
    values: MeterValues
    date: dt.date


class BillingMeterUpdated(EventData):
    """A meter of an account as billing sees it now; `removed` says it was taken off the account."""

    event_type = "billing.meter.updated.v1"

    region_code: RegionCode
    account_number: AccountNumber
    serial_number: str
    zones: Literal[1, 2, 3] = Field(description="Tariff zones: 1 (T1), 2 (T1 day, T2 night), 3 (T1, T2, T3).")
    digits: int = Field(gt=0, description="Digit capacity of the register: a value is below 10^digits.")
    last_reading: LastReading | None = Field(description="The last reading billing accepted, or null if none.")
    removed: bool


class BillingPaymentRegistered(EventData):
    """A payment billing has booked to an account, from the portal or any other channel."""

    event_type = "billing.payment.registered.v1"

    region_code: RegionCode
    account_number: AccountNumber
    billing_payment_id: str
    amount_kopecks: Kopecks
    paid_at: Moment
    channel: str = Field(description="Where the subscriber paid, as billing names it (bank, post office, portal…).")
    lka_payment_id: UUID | None = Field(description="The portal's payment id if paid in the portal, else null.")


class BillingReadingProcessed(EventData):
    """Billing's verdict on a reading the portal sent; the first verdict is final."""

    event_type = "billing.reading.processed.v1"

    reading_id: UUID
    status: Literal["accepted", "rejected"]
    reason: str | None = Field(description="Why billing rejected the reading, or null.")

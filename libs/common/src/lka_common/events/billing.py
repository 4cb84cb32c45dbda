"""Events published by billing (the enterprise system), inbound to the portal (docs/contract.md §3).

Billing publishes them on `lka.events` with source `/billing`; the project's billing simulator
publishes the same. Billing owns these shapes; the models check the types the contract gives them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from lka_common.events.base import EventData
from lka_common.events.fields import (
    AccountNumber,
    BillingPeriod,
    EventPart,
    Kopecks,
    MeterValue,
    MeterValues,
    Moment,
    RegionCode,
    ZoneName,
)

# Billing's ids of tariffs and bills name them in our URLs and files: letters, digits, `_`, `-`.
BillingId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


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
    tariff_id: BillingId | None = Field(
        default=None, description="The tariff the account is billed on (billing.tariff.updated.v1), if billing says."
    )


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
    verification_due: dt.date | None = Field(
        default=None, description="When the meter's next verification (поверка) is due, if billing says."
    )


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


class BillingTariffUpdated(EventData):
    """A version of a tariff: its prices per zone from `valid_from` to `valid_to` (inclusive;
    null: until further notice). A new price is a new version of the same `tariff_id`."""

    event_type = "billing.tariff.updated.v1"

    tariff_id: BillingId
    region_code: RegionCode | None = Field(description="The region the tariff is for; null: every region.")
    zones: Literal[1, 2, 3] = Field(description="Tariff zones: 1 (T1), 2 (T1 day, T2 night), 3 (T1, T2, T3).")
    prices_kopecks: dict[ZoneName, Kopecks] = Field(
        min_length=1, description='Price of one kWh per zone in kopecks, e.g. {"T1": 649, "T2": 325}.'
    )
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="The last day the prices hold, or null: until further notice.")


class BillLine(EventPart):
    title: str = Field(description="What is charged, for people («Электроэнергия, день»).")
    zone: ZoneName
    quantity_kwh: MeterValue
    price_kopecks: Kopecks = Field(description="Price of one kWh in kopecks.")
    amount_kopecks: Kopecks


class BillingBillIssued(EventData):
    """A bill (квитанция) billing issued for an account and month; the same `bill_id` again is
    the same bill."""

    event_type = "billing.bill.issued.v1"

    bill_id: BillingId
    region_code: RegionCode
    account_number: AccountNumber
    period: BillingPeriod = Field(description="The month billed, YYYY-MM.")
    issued_at: Moment
    opening_balance_kopecks: Kopecks = Field(description="Debt at the start of the month: > 0 owed, < 0 overpaid.")
    lines: list[BillLine] = Field(description="The charges of the month, one line per tariff zone.")
    payments_kopecks: Kopecks = Field(description="Paid during the month.")
    penalty_kopecks: Kopecks
    total_due_kopecks: Kopecks = Field(description="What the bill asks to pay by `due_date` (< 0: overpaid).")
    due_date: dt.date

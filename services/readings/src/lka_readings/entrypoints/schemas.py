"""Request and response bodies of the readings API (docs/contract.md §2 "readings").

Meter values are JSON numbers at the edge and Decimals inside. The request takes any zone keys
and numbers, so that the domain rules answer with their own codes (`zones_mismatch`,
`reading_out_of_range`…) instead of a generic validation error.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BeforeValidator, Field

from lka_common.events.fields import MeterValue
from lka_common.money import format_kopecks
from lka_common.schemas import RequestModel, ResponseModel
from lka_readings.domain.consumption import MonthlyConsumption
from lka_readings.domain.model import Estimate, Meter, Reading, ReadingStatus, Source


def _json_number(value: Any) -> Any:
    # A JSON number only: "12456" in quotes is a form bug we would rather hear about.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("Показание должно быть числом")
    return value


SubmittedValue = Annotated[Decimal, BeforeValidator(_json_number)]
SubmittedValues = Annotated[
    dict[Annotated[str, Field(max_length=8)], SubmittedValue],
    Field(max_length=3, examples=[{"T1": 12456, "T2": 5678.5}]),
]
OutValues = dict[str, MeterValue]


class ReadingIn(RequestModel):
    meter_id: UUID
    values: SubmittedValues


class PublicMeterIn(RequestModel):
    region_code: str = Field(min_length=1, max_length=64)
    account_number: str = Field(min_length=1, max_length=32)
    meter_serial: str = Field(min_length=1, max_length=64)


class PublicReadingIn(PublicMeterIn):
    values: SubmittedValues


class PublicMeterOut(ResponseModel):
    """What the public form needs to ask for a meter's values: nothing about the account or
    its readings (anyone who knows an account number and a serial may ask)."""

    zones: list[str] = Field(examples=[["T1", "T2"]])
    zone_titles: list[str] = Field(examples=[["T1 день", "T2 ночь"]], description="The zones' names for people.")
    digits: int = Field(description="Digits before the decimal point the register shows.")

    @classmethod
    def of(cls, meter: Meter) -> PublicMeterOut:
        return cls(zones=list(meter.zone_names), zone_titles=list(meter.zone_titles), digits=meter.digits)


class EstimateOut(ResponseModel):
    """What the reading will roughly cost (services/readings/README.md, "Estimates")."""

    amount: str = Field(examples=["824.23"], description="Roubles, a decimal string with two fraction digits.")
    period: str = Field(examples=["2026-11"], description="The billing period priced: the reading's own.")
    tariff_id: str = Field(description="Billing's tariff whose prices were taken.")

    @classmethod
    def of(cls, estimate: Estimate | None) -> EstimateOut | None:
        if estimate is None:
            return None
        return cls(amount=format_kopecks(estimate.amount_kopecks), period=estimate.period, tariff_id=estimate.tariff_id)


ESTIMATE = Field(
    description="The consumption since the meter's last accepted reading priced at the account's tariff in force"
    " on the period's last day; null when there is no tariff, no last reading or no price for the meter's zones."
)


class SubmittedOut(ResponseModel):
    id: UUID
    status: Literal["submitted"] = "submitted"
    billing_period: str = Field(examples=["2026-11"])
    message: str
    estimate: EstimateOut | None = ESTIMATE


class PublicSubmittedOut(ResponseModel):
    """The public form's answer: no estimate (it would tell a stranger the last reading)."""

    id: UUID
    status: Literal["submitted"] = "submitted"
    billing_period: str = Field(examples=["2026-11"])
    message: str


class LastReadingOut(ResponseModel):
    values: OutValues
    date: date
    source: Literal["billing"] = Field("billing", description="The last reading billing accepted.")


class MeterOut(ResponseModel):
    id: UUID
    serial_number: str
    zones: list[str] = Field(examples=[["T1", "T2"]])
    zone_titles: list[str] = Field(examples=[["T1 день", "T2 ночь"]], description="The zones' names for people.")
    digits: int
    last_reading: LastReadingOut | None

    @classmethod
    def of(cls, meter: Meter) -> MeterOut:
        last = meter.last_reading
        return cls(
            id=meter.id,
            serial_number=meter.serial_number,
            zones=list(meter.zone_names),
            zone_titles=list(meter.zone_titles),
            digits=meter.digits,
            last_reading=LastReadingOut(values=dict(last.values), date=last.date) if last else None,
        )


class ReadingOut(ResponseModel):
    id: UUID
    meter_id: UUID
    values: OutValues
    submitted_at: datetime
    billing_period: str
    source: Source
    status: ReadingStatus = Field(description="submitted, sent (published to billing), accepted or rejected.")
    status_reason: str | None = Field(description="Billing's reason, when it gave one.")
    estimate: EstimateOut | None = ESTIMATE

    @classmethod
    def of(cls, reading: Reading) -> ReadingOut:
        return cls(
            id=reading.id,
            meter_id=reading.meter_id,
            values=dict(reading.values),
            submitted_at=reading.submitted_at,
            billing_period=reading.billing_period,
            source=reading.source,
            status=reading.status,
            status_reason=reading.status_reason,
            estimate=EstimateOut.of(reading.estimate),
        )


class ConsumptionOut(ResponseModel):
    period: str = Field(examples=["2026-10"])
    meter_id: UUID
    zones: OutValues = Field(examples=[{"T1": 210, "T2": 95}], description="kWh used in the period per zone.")
    status: Literal["accepted", "pending"] = Field(
        description="accepted: from readings billing accepted; pending: from the newest reading, which billing"
        " has not decided on yet (the period falls back to the accepted ones if billing rejects it)."
    )

    @classmethod
    def of(cls, item: MonthlyConsumption) -> ConsumptionOut:
        status: Literal["accepted", "pending"] = "pending" if item.pending else "accepted"
        return cls(period=item.period, meter_id=item.meter_id, zones=dict(item.zones), status=status)

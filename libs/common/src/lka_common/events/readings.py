"""Events published by the readings service: meter readings submitted and billing's verdict."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from lka_common.events.audit import AuditRecorded
from lka_common.events.base import EventData
from lka_common.events.fields import AccountNumber, BillingPeriod, MeterValues, Moment, RegionCode


class ReadingSubmitted(EventData):
    """A subscriber submitted a meter reading (signed in, or from the public form)."""

    event_type = "readings.reading.submitted.v1"

    reading_id: UUID
    account_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    meter_serial: str
    values: MeterValues
    submitted_at: Moment
    billing_period: BillingPeriod
    source: Literal["web", "anonymous"] = Field(description="web: signed in; anonymous: the public form.")


class ReadingAccepted(EventData):
    """Billing accepted a reading."""

    event_type = "readings.reading.accepted.v1"

    reading_id: UUID
    account_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    reason: str | None


class ReadingRejected(EventData):
    """Billing rejected a reading; `reason` says why when billing gave one."""

    event_type = "readings.reading.rejected.v1"

    reading_id: UUID
    account_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    reason: str | None


class ReadingsAuditRecorded(AuditRecorded):
    """A staff action or read readings recorded in its audit chain (lka_common.audit)."""

    event_type = "readings.audit.recorded.v1"
    service = "readings"

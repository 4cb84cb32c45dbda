"""Billing's events as the simulator sends them: CloudEvents with source `/billing` and ids
derived from what they are about, so sending one again is a no-op for every consumer's inbox."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from lka_billing_simulator.demo import AS_OF, DEMO_VERSION, DemoAccount, DemoMeter
from lka_common import tracing
from lka_common.events.base import EventData
from lka_common.events.billing import (
    BillingAccountUpdated,
    BillingMeterUpdated,
    BillingPaymentRegistered,
    LastPayment,
    LastReading,
)
from lka_common.events.envelope import CloudEvent

SOURCE = "/billing"
# Dates that depend on the calendar are the supplier's (docs/contract.md §1).
SUPPLIER_TIME_ZONE = ZoneInfo("Europe/Simferopol")
# The simulator's own namespace for name-based (v5) event ids: stable across runs and machines.
NAMESPACE = uuid.UUID("6f1d8a52-3c0e-5b7a-9d41-2e8f0c7b5a13")


def event_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def envelope(data: EventData, key: str, subject: str, time: datetime, cause: CloudEvent | None = None) -> CloudEvent:
    """The event billing would send; an answer carries its question's correlation and causation,
    and the trace context of the span answering it (service.py), so the question's trace goes on."""
    trace_context = tracing.trace_attributes() if cause else {}
    return CloudEvent(
        id=event_id(data.event_type, key),
        source=SOURCE,
        type=data.event_type,
        time=time,
        subject=subject,
        correlationid=(cause.correlationid or cause.id) if cause else None,
        causationid=cause.id if cause else None,
        traceparent=trace_context.get("traceparent"),
        tracestate=trace_context.get("tracestate"),
        data=data.model_dump(mode="json"),
    )


def subject_of(account: DemoAccount) -> str:
    return f"{account.region_code}/{account.number}"


def local_date(moment: datetime) -> str:
    return moment.astimezone(SUPPLIER_TIME_ZONE).date().isoformat()


def local_day(moment: datetime) -> date:
    return moment.astimezone(SUPPLIER_TIME_ZONE).date()


def account_state(
    account: DemoAccount,
    debt_kopecks: int,
    last_payment: LastPayment | None,
    as_of: datetime,
    key: str,
    cause: CloudEvent | None = None,
) -> CloudEvent:
    """`billing.account.updated.v1` for a demo account with this balance; `key` names the state."""
    data = BillingAccountUpdated(
        region_code=account.region_code,
        number=account.number,
        owner_surname=account.owner_surname,
        owner_initials=account.owner_initials,
        address=account.address,
        debt_kopecks=debt_kopecks,
        penalty_kopecks=account.penalty_kopecks,
        last_payment=last_payment,
        as_of=as_of,
        tariff_id=account.tariff_id,
    )
    return envelope(data, f"{subject_of(account)}:{key}", subject_of(account), as_of, cause)


def meter_state(
    account: DemoAccount,
    meter: DemoMeter,
    reading: LastReading | None,
    key: str,
    time: datetime = AS_OF,
    cause: CloudEvent | None = None,
    *,
    today: date | None = None,
) -> CloudEvent:
    """`billing.meter.updated.v1` for a demo meter with this last reading, said on `today` (its
    verification date counts from it; none without `today`); `key` names the state."""
    verification_due = None
    if today is not None and meter.verification_in_days is not None:
        verification_due = today + timedelta(days=meter.verification_in_days)
    data = BillingMeterUpdated(
        region_code=account.region_code,
        account_number=account.number,
        serial_number=meter.serial_number,
        zones=meter.zones,
        digits=meter.digits,
        last_reading=reading,
        removed=False,
        verification_due=verification_due,
    )
    return envelope(data, f"{subject_of(account)}:{meter.serial_number}:{key}", subject_of(account), time, cause)


def demo_events(account: DemoAccount, today: date) -> list[CloudEvent]:
    """Everything billing says about a demo account on `today`: its state, its meters (their
    verification dates counted from `today`, so loading on another day is news), its last payment."""
    last_payment = None
    if account.last_payment_kopecks is not None and account.last_payment_date is not None:
        last_payment = LastPayment(amount_kopecks=account.last_payment_kopecks, date=account.last_payment_date)
    demo = f"demo-v{DEMO_VERSION}"
    events = [account_state(account, account.debt_kopecks, last_payment, AS_OF, demo)]
    for meter in account.meters:
        reading = LastReading.model_validate({"values": meter.last_values, "date": meter.last_date})
        events.append(meter_state(account, meter, reading, f"{demo}:{today.isoformat()}", today=today))
    if last_payment is not None:
        paid_at = datetime.combine(last_payment.date, datetime.min.time(), SUPPLIER_TIME_ZONE).replace(hour=12)
        registered = BillingPaymentRegistered(
            region_code=account.region_code,
            account_number=account.number,
            billing_payment_id=f"SIM-{account.number}-{last_payment.date:%Y%m%d}",
            amount_kopecks=last_payment.amount_kopecks,
            paid_at=paid_at,
            channel=account.last_payment_channel or "касса",
            lka_payment_id=None,
        )
        events.append(envelope(registered, registered.billing_payment_id, subject_of(account), AS_OF))
    return events

"""Billing's answers for the demo accounts: a reading processed (and the meter's new last
reading), a portal payment registered (and the account's new balance).

Pure functions of the question, the demo data and the ledger entry, so the same question asked
twice gets the same events, ids included.
"""

from __future__ import annotations

from datetime import datetime

from lka_billing_simulator.demo import DemoAccount
from lka_billing_simulator.events import account_state, envelope, local_date, local_day, meter_state, subject_of
from lka_billing_simulator.ledger import Registration
from lka_common.events.billing import BillingPaymentRegistered, BillingReadingProcessed, LastPayment, LastReading
from lka_common.events.envelope import CloudEvent
from lka_common.events.payments import PaymentRefunded, PaymentSucceeded
from lka_common.events.readings import ReadingSubmitted

UNKNOWN_METER = "Прибор учета с таким заводским номером не числится на лицевом счете"
PORTAL_CHANNEL = "ЛКА (оплата картой)"


def answer_reading(data: ReadingSubmitted, account: DemoAccount, cause: CloudEvent) -> list[CloudEvent]:
    """Accepted, and the meter's last reading becomes this one; a meter not on the account: rejected."""
    key = str(data.reading_id)
    meter = next((m for m in account.meters if m.serial_number == data.meter_serial), None)
    status, reason = ("accepted", None) if meter is not None else ("rejected", UNKNOWN_METER)
    verdict = BillingReadingProcessed(reading_id=data.reading_id, status=status, reason=reason)
    answers = [envelope(verdict, key, subject_of(account), data.submitted_at, cause)]
    if meter is not None:
        reading = LastReading(values=data.values, date=local_date(data.submitted_at))
        today = local_day(data.submitted_at)  # the meter's verification date counts from the reading's day
        answers.append(meter_state(account, meter, reading, f"reading:{key}", data.submitted_at, cause, today=today))
    return answers


def answer_payment(
    data: PaymentSucceeded, account: DemoAccount, entry: Registration, paid_kopecks: int, cause: CloudEvent
) -> list[CloudEvent]:
    """Registered (naming our payment id), then the balance with this payment and those before it."""
    registered_at = entry.registered_moment
    registered = BillingPaymentRegistered(
        region_code=account.region_code,
        account_number=account.number,
        billing_payment_id=f"SIM-{account.number}-{entry.sequence:06d}",
        amount_kopecks=data.amount_kopecks,
        paid_at=data.paid_at,
        channel=PORTAL_CHANNEL,
        lka_payment_id=data.payment_id,
    )
    last_payment = LastPayment(amount_kopecks=data.amount_kopecks, date=local_date(data.paid_at))
    debt = account.debt_kopecks - paid_kopecks
    balance = account_state(account, debt, last_payment, registered_at, f"payment:{data.payment_id}", cause)
    return [envelope(registered, str(data.payment_id), subject_of(account), registered_at, cause), balance]


def answer_refund(
    data: PaymentRefunded,
    account: DemoAccount,
    entry: Registration,
    paid_kopecks: int,
    last_in: Registration | None,
    cause: CloudEvent,
) -> list[CloudEvent]:
    """A refund booked against the account (the ledger's negative entry): its balance again, the
    money given back owed once more. The last payment shown stays the last one that came in."""
    debt = account.debt_kopecks - paid_kopecks
    last = None
    if last_in is not None:
        last = LastPayment(
            amount_kopecks=last_in.amount_kopecks, date=local_date(datetime.fromisoformat(last_in.paid_at))
        )
    return [account_state(account, debt, last, entry.registered_moment, f"refund:{data.refund_id}", cause)]

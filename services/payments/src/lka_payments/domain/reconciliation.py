"""A day's reconciliation with the acquirer's registry (docs/contract.md §4 "Reconciliation"):
the bank's lines of the day grouped by order, set against what we recorded of each order, and
every disagreement classified. No I/O.

The registry lists movements of money (docs/acquiring.md, "The registry"): a `deposit` (paid),
each `refund`, a `reversal`. An order agrees when the bank's deposit of the day is our amount,
paid here, and the bank's refunds and reversals of the day are our refunds of the day. A bank
order is ours whatever day we recorded it (a payment at 23:59 may settle here after midnight);
ours paid in the day that the registry does not list are `missing_at_bank`.

Totals are net, as the money settles: the registry's deposits less its refunds and reversals;
ours, the amounts we count as paid for the day's orders less our refunds of the day.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Kind = Literal["missing_here", "missing_at_bank", "amount_mismatch", "status_mismatch"]
NEEDS_REVIEW = "needs_review"
RESOLVED_BY_POLL = "resolved_by_status_poll"
Operation = Literal["deposit", "refund", "reversal"]
PAID_HERE = ("succeeded", "refunded")


@dataclass(frozen=True)
class BankLine:
    """One line of the registry."""

    order_id: str
    order_number: str
    operation: Operation
    amount: int
    status: int
    at: datetime
    card_brand: str = ""
    pan_masked: str = ""


@dataclass
class BankOrder:
    """The registry's lines of one order, summed."""

    order_id: str
    deposited: int = 0
    given_back: int = 0  # refunds and reversals

    @property
    def net(self) -> int:
        return self.deposited - self.given_back


@dataclass(frozen=True)
class OurOrder:
    """What we recorded of one bank order: a payment, or a basket's parts together."""

    order_id: str
    payment_ids: tuple[uuid.UUID, ...]
    amount: int
    status: str  # the parts settle together, so one status
    paid_in_day: bool
    refunded_in_day: int = 0
    resolved_by_poll: bool = False  # pending here until the run asked the bank, which settled it


@dataclass(frozen=True)
class Discrepancy:
    kind: Kind
    acquirer_order_id: str | None
    payment_id: uuid.UUID | None
    bank_amount: int | None
    our_amount: int | None
    resolution: str = NEEDS_REVIEW


@dataclass
class Result:
    matched: int = 0
    bank_total: int = 0
    our_total: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)


def bank_orders(lines: Iterable[BankLine]) -> dict[str, BankOrder]:
    orders: dict[str, BankOrder] = {}
    for line in lines:
        order = orders.setdefault(line.order_id, BankOrder(line.order_id))
        if line.operation == "deposit":
            order.deposited += line.amount
        else:
            order.given_back += line.amount
    return orders


def classify(bank: BankOrder | None, ours: OurOrder | None) -> Discrepancy | None:
    """The one finding about an order (None: it agrees). Money first: an order paid at the bank
    and not here is `missing_here` or `status_mismatch`; then the amount; then what went back."""
    assert bank is not None or ours is not None
    first = ours.payment_ids[0] if ours is not None else None
    if ours is None:
        assert bank is not None
        return Discrepancy("missing_here", bank.order_id, None, bank.net, None)
    if bank is None:
        if ours.paid_in_day or ours.refunded_in_day:
            mine = (ours.amount if ours.paid_in_day else 0) - ours.refunded_in_day
            return Discrepancy("missing_at_bank", ours.order_id, first, None, mine)
        return None
    paid_here = ours.status in PAID_HERE
    if bank.deposited and not paid_here:
        # Paid at the bank, not here; reversed or refunded there in the same day, nothing is owed.
        return None if bank.net == 0 else Discrepancy("status_mismatch", bank.order_id, first, bank.deposited, 0)
    if bank.deposited:
        if bank.deposited != ours.amount:
            return Discrepancy("amount_mismatch", bank.order_id, first, bank.deposited, ours.amount)
    elif ours.paid_in_day and paid_here:
        # Paid here today, yet the bank's day has no payment of it (only its refunds, if anything).
        return Discrepancy("missing_at_bank", bank.order_id, first, 0, ours.amount)
    if bank.given_back != ours.refunded_in_day:
        # Given back at the bank and not here (or the other way): the known gap a person settles.
        return Discrepancy("status_mismatch", bank.order_id, first, bank.given_back, ours.refunded_in_day)
    if ours.resolved_by_poll:
        return Discrepancy("status_mismatch", bank.order_id, first, bank.deposited, ours.amount, RESOLVED_BY_POLL)
    return None


def reconcile(lines: Iterable[BankLine], ours: dict[str, OurOrder]) -> Result:
    """Every order of the registry and every one of ours, each classified once, and the totals."""
    bank = bank_orders(lines)
    result = Result()
    for order_id in sorted(bank.keys() | ours.keys()):
        found_bank, found_ours = bank.get(order_id), ours.get(order_id)
        if found_bank is not None:
            result.bank_total += found_bank.net
        if found_ours is not None:
            counted = found_ours.status in PAID_HERE and (
                found_ours.paid_in_day or (found_bank is not None and found_bank.deposited > 0)
            )
            result.our_total += (found_ours.amount if counted else 0) - found_ours.refunded_in_day
        finding = classify(found_bank, found_ours)
        if finding is None:
            result.matched += 1
        else:
            result.discrepancies.append(finding)
    return result

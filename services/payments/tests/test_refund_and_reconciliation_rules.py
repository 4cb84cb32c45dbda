"""The rules without a database: refund arithmetic (never above what was paid, partial sums, what
a rejected or failed refund frees), four eyes, and how reconciliation classifies an order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from lka_payments.domain.reconciliation import (
    RESOLVED_BY_POLL,
    BankLine,
    OurOrder,
    bank_orders,
    classify,
    reconcile,
)
from lka_payments.domain.refunds import (
    NotAwaiting,
    Refund,
    RefundAboveRest,
    RefundStatus,
    SameActor,
    check_amount,
    check_decision,
    left_to_refund,
    needs_approval,
    payment_status_after,
)

NOW = datetime(2026, 12, 15, 10, 0, tzinfo=UTC)
ALICE, BOB = uuid.uuid4(), uuid.uuid4()


def a_refund(kopecks: int, status: RefundStatus = "succeeded", by: uuid.UUID = ALICE) -> Refund:
    return Refund(uuid.uuid4(), uuid.uuid4(), kopecks, "—", status, by, "f", None, None, None, NOW, NOW, None, None)


def test_partial_refunds_sum_to_at_most_what_was_paid() -> None:
    done = [a_refund(30_000), a_refund(20_000, "pending"), a_refund(10_000, "awaiting_approval")]
    assert left_to_refund(100_000, done) == 40_000
    check_amount(40_000, 100_000, done)
    with pytest.raises(RefundAboveRest) as refused:
        check_amount(40_001, 100_000, done)
    assert refused.value.left_kopecks == 40_000


def test_rejected_and_failed_refunds_free_their_amount() -> None:
    done = [a_refund(60_000, "rejected"), a_refund(40_000, "failed"), a_refund(10_000)]
    assert left_to_refund(100_000, done) == 90_000


def test_requests_counted_one_after_another_never_pass_the_paid_amount() -> None:
    # What the payment row's lock makes of five requests at once: each sees those before it.
    made: list[Refund] = []
    passed = 0
    for _ in range(5):
        try:
            check_amount(3_000, 10_000, made)
        except RefundAboveRest:
            continue
        made.append(a_refund(3_000, "pending"))
        passed += 1
    assert passed == 3 and left_to_refund(10_000, made) == 1_000


def test_the_threshold_and_the_payments_status() -> None:
    assert not needs_approval(1_000_000, 1_000_000) and needs_approval(1_000_001, 1_000_000)
    assert payment_status_after(10_000, 9_999) == "succeeded"
    assert payment_status_after(10_000, 10_000) == "refunded"


def test_four_eyes() -> None:
    waiting = a_refund(2_000_000, "awaiting_approval", by=ALICE)
    with pytest.raises(SameActor):
        check_decision(waiting, ALICE)
    check_decision(waiting, BOB)
    with pytest.raises(NotAwaiting):
        check_decision(a_refund(1, "succeeded", by=ALICE), BOB)
    with pytest.raises(SameActor):  # one's own, whatever its state
        check_decision(a_refund(1, "pending", by=ALICE), ALICE)


def line(order: str, operation: str, amount: int) -> BankLine:
    return BankLine(order, order, operation, amount, 2, NOW)  # type: ignore[arg-type]


def ours(order: str, amount: int, status: str = "succeeded", refunded: int = 0, **more: bool) -> OurOrder:
    return OurOrder(
        order,
        (uuid.uuid4(),),
        amount,
        status,
        more.get("paid_in_day", True),
        refunded,
        more.get("resolved_by_poll", False),
    )


@pytest.mark.parametrize(
    ("lines", "recorded", "expected"),
    [
        ([line("o", "deposit", 100)], ours("o", 100), None),
        ([line("o", "deposit", 100)], None, ("missing_here", 100, None)),
        ([], ours("o", 100), ("missing_at_bank", None, 100)),
        ([line("o", "deposit", 120)], ours("o", 100), ("amount_mismatch", 120, 100)),
        ([line("o", "deposit", 100)], ours("o", 100, "pending"), ("status_mismatch", 100, 0)),
        ([line("o", "deposit", 100), line("o", "refund", 40)], ours("o", 100), ("status_mismatch", 40, 0)),
        ([line("o", "deposit", 100), line("o", "refund", 40)], ours("o", 100, refunded=40), None),
        ([line("o", "deposit", 100), line("o", "reversal", 100)], ours("o", 100, "failed"), None),
        ([line("o", "refund", 40)], ours("o", 100, paid_in_day=False, refunded=40), None),
        ([line("o", "deposit", 100)], ours("o", 100, resolved_by_poll=True), ("status_mismatch", 100, 100)),
    ],
    ids=[
        "matched",
        "missing-here",
        "missing-at-bank",
        "amount",
        "paid-there-pending-here",
        "refunded-at-the-bank-only",
        "refunded-both",
        "reversed-both",
        "refund-of-an-earlier-day",
        "resolved-by-poll",
    ],
)
def test_classification(
    lines: list[BankLine], recorded: OurOrder | None, expected: tuple[str, int, int] | None
) -> None:
    bank = bank_orders(lines).get("o")
    finding = classify(bank, recorded)
    if expected is None:
        assert finding is None
    else:
        assert finding is not None
        assert (finding.kind, finding.bank_amount, finding.our_amount) == expected


def test_a_poll_resolution_says_so_and_the_totals_are_net() -> None:
    lines = [line("a", "deposit", 100), line("b", "deposit", 200), line("b", "refund", 50), line("c", "deposit", 7)]
    result = reconcile(lines, {"a": ours("a", 100, resolved_by_poll=True), "b": ours("b", 200, refunded=50)})
    assert result.matched == 1
    assert [(d.kind, d.resolution) for d in result.discrepancies] == [
        ("status_mismatch", RESOLVED_BY_POLL),
        ("missing_here", "needs_review"),
    ]
    assert (result.bank_total, result.our_total) == (257, 250)

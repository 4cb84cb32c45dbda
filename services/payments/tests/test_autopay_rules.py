"""Autopay's rules without I/O (domain/autopay.py): the day, the amount, the attempts."""

from __future__ import annotations

from datetime import date

import pytest

from lka_payments.domain.autopay import (
    Attempt,
    amount_due,
    amount_to_charge,
    attempts_due,
    next_payment_date,
    reminder_for,
    turns_off,
    valid_day,
)


@pytest.mark.parametrize(("day", "valid"), [(0, False), (1, True), (28, True), (29, False), (31, False)])
def test_the_day_is_1_to_28(day: int, valid: bool) -> None:
    assert valid_day(day) is valid


@pytest.mark.parametrize(
    ("due", "cap", "charged"), [(150000, 300000, 150000), (500000, 300000, 300000), (0, 300000, None), (-2500, 1, None)]
)
def test_it_pays_the_amount_due_up_to_the_cap_and_nothing_when_nothing_is_due(
    due: int, cap: int, charged: int | None
) -> None:
    assert amount_to_charge(due, cap) == charged


def test_the_amount_due_is_billings_less_what_was_paid_here_since() -> None:
    assert amount_due(152340, 1230, 0) == 153570
    assert amount_due(152340, 0, 100000) == 52340
    assert amount_due(-25000, 0, 0) == 0  # overpaid
    assert amount_due(1000, 0, 5000) == 0


def test_the_first_attempt_is_on_the_day_and_the_retry_the_day_after() -> None:
    assert attempts_due(date(2027, 1, 10), 10) == [Attempt("2027-01", 1)]
    assert attempts_due(date(2027, 1, 11), 10) == [Attempt("2027-01", 2)]
    assert attempts_due(date(2027, 1, 12), 10) == []
    assert attempts_due(date(2027, 3, 1), 28) == []  # the 28th's retry is the 29th (or March 1st: none)
    assert attempts_due(date(2027, 2, 28), 28) == [Attempt("2027-02", 1)]


def test_a_second_failure_turns_it_off() -> None:
    assert turns_off(2, succeeded=False)
    assert not turns_off(1, succeeded=False)
    assert not turns_off(2, succeeded=True)


def test_the_reminder_goes_3_days_before_and_the_next_date_rolls_into_next_month() -> None:
    assert reminder_for(date(2027, 1, 29)) == date(2027, 2, 1)
    assert next_payment_date(date(2027, 1, 5), 10) == date(2027, 1, 10)
    assert next_payment_date(date(2027, 1, 10), 10) == date(2027, 1, 10)
    assert next_payment_date(date(2027, 12, 11), 10) == date(2028, 1, 10)

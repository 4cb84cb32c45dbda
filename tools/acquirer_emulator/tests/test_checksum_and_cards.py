"""The callback checksum against docs/acquiring.md's test vector, and the card page's card rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lka_acquirer_emulator.cards import TEST_CARDS, CardError, brand_of, check_card, luhn_ok, mask
from lka_acquirer_emulator.checksum import checksum, signed_string

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def test_checksum_matches_the_published_test_vector() -> None:
    params = {
        "amount": "1500",
        "mdOrder": "ed6f3abf-cea0-427e-afdf-0ba43ead124f",
        "operation": "deposited",
        "orderNumber": "89312",
        "status": "1",
        "sign_alias": "ignored",
    }
    assert signed_string(params) == (
        "amount;1500;mdOrder;ed6f3abf-cea0-427e-afdf-0ba43ead124f;operation;deposited;orderNumber;89312;status;1;"
    )
    assert checksum(params, "123") == "9F8253A6BB7777D067DD955751119FA5AAF67B14B9215147190F96B505CDB72C"


def test_every_test_card_passes_luhn() -> None:
    assert all(luhn_ok(pan) for pan in TEST_CARDS)
    assert not luhn_ok("4111111111111112")


@pytest.mark.parametrize(
    ("pan", "brand"),
    [
        ("2200000000000004", "mir"),
        ("2204000000000000", "mir"),
        ("4111111111111111", "visa"),
        ("5555555555554444", "mastercard"),
        ("2221000000000009", "mastercard"),
        ("2720990000000000", "mastercard"),
        ("3530111333300000", None),
        ("6011000000000004", None),
    ],
)
def test_brand_is_told_by_prefix(pan: str, brand: str | None) -> None:
    assert brand_of(pan) == brand


def test_only_the_masked_number_comes_out_of_a_check() -> None:
    checked = check_card("2200 0000 0000 0004", "12/30", "123", NOW)
    assert checked.masked_pan == "220000******0004" == mask("2200000000000004")
    assert (checked.brand, checked.expiration, checked.action_code) == ("mir", "203012", 0)


@pytest.mark.parametrize(
    ("pan", "expiry", "cvc", "message"),
    [
        ("4111 1111 1111 1112", "12/30", "123", "Неверный номер карты"),
        ("3530 1113 3330 0000", "12/30", "123", "Карты этой платежной системы не принимаются"),
        ("4111 1111 1111 1111", "13/30", "123", "Укажите срок действия карты в формате ММ/ГГ"),
        ("4111 1111 1111 1111", "10/26", "123", "Срок действия карты истек"),
        ("4111 1111 1111 1111", "11/26", "12", "Неверный код CVC2/CVV2"),
    ],
)
def test_a_bad_card_is_refused_in_russian(pan: str, expiry: str, cvc: str, message: str) -> None:
    with pytest.raises(CardError, match=message):
        check_card(pan, expiry, cvc, NOW)


def test_the_test_cards_decide_their_outcomes() -> None:
    outcomes = {pan: check_card(pan, "12/30", "123", NOW).action_code for pan in TEST_CARDS}
    assert outcomes == {
        "2200000000000004": 0,
        "2200000000000012": 116,
        "4111111111111111": 0,
        "5555555555554444": 0,
        "4000000000000002": 5,
        "5300000000000006": 151018,
        "4000000000003063": 0,
    }
    assert check_card("2200000000000020", "12/30", "123", NOW).action_code == 0  # any other Mir: paid


def test_mir_and_the_3ds_test_card_are_challenged_and_only_that_card_with_its_binding() -> None:
    challenges = {
        pan: (check.challenged, check.challenged_with_binding)
        for pan in ("2200000000000004", "4000000000003063", "4111111111111111", "5555555555554444")
        for check in [check_card(pan, "12/30", "123", NOW)]
    }
    assert challenges == {
        "2200000000000004": (True, False),
        "4000000000003063": (True, True),
        "4111111111111111": (False, False),
        "5555555555554444": (False, False),
    }

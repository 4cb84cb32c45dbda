"""The one money format (lka_common.money): what is read, what is refused, and that every amount
written is read back as the same kopecks, negative ones included."""

from __future__ import annotations

import pytest

from lka_common.money import AMOUNT_FORMAT, MAX_ROUBLE_DIGITS, format_kopecks, parse_kopecks


@pytest.mark.parametrize(
    ("text", "kopecks"),
    [
        ("1523.40", 152340),
        ("1523.4", 152340),
        ("1523,40", 152340),
        (" 1523.40 ", 152340),
        ("100", 10000),
        ("0.01", 1),
        ("0", 0),
        ("-120.00", -12000),
        ("-0,5", -50),
        ("9" * MAX_ROUBLE_DIGITS + ".99", 10 ** (MAX_ROUBLE_DIGITS + 2) - 1),
    ],
)
def test_an_amount_is_read_exactly_to_the_kopeck(text: str, kopecks: int) -> None:
    assert parse_kopecks(text) == kopecks


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1.234",
        "1.",
        ".5",
        "1 523.40",
        "+5",
        "--5",
        "1e3",
        "0x10",
        "сто",
        "1.2.3",
        "1" * (MAX_ROUBLE_DIGITS + 1),
        "١٢٣",  # digits of another script: \d would take them, the format does not
    ],
)
def test_anything_else_is_refused_with_the_russian_message(text: str) -> None:
    with pytest.raises(ValueError, match=AMOUNT_FORMAT):
        parse_kopecks(text)


@pytest.mark.parametrize(
    ("kopecks", "text"), [(152340, "1523.40"), (5, "0.05"), (0, "0.00"), (-12000, "-120.00"), (-1, "-0.01")]
)
def test_kopecks_are_written_with_two_fraction_digits_and_a_sign(kopecks: int, text: str) -> None:
    assert format_kopecks(kopecks) == text


def test_what_is_written_is_read_back() -> None:
    for kopecks in [*range(-1001, 1002), 10 ** (MAX_ROUBLE_DIGITS + 2) - 1, -(10**13)]:
        assert parse_kopecks(format_kopecks(kopecks)) == kopecks

"""Masking an e-mail address for staff (lka_common.masking)."""

from __future__ import annotations

import pytest

from lka_common.masking import mask_email


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("ivanov@mail.ru", "iv***@mail.ru"),
        ("abonent-1f2e@example.ru", "ab***@example.ru"),
        ("ab@mail.ru", "a***@mail.ru"),
        ("a@mail.ru", "a***@mail.ru"),
        ("  Иван.Петров@почта.рф ", "Ив***@почта.рф"),
        ('"a@b"@example.ru', '"a***@example.ru'),
        ("not an address", "***"),
        ("@mail.ru", "***"),
        ("", "***"),
    ],
)
def test_an_address_keeps_two_letters_of_the_mailbox_and_the_domain(address: str, masked: str) -> None:
    assert mask_email(address) == masked


def test_the_mailbox_never_shows_whole() -> None:
    for address in ("ab@x.ru", "abc@x.ru", "a@x.ru"):
        local = address.split("@")[0]
        assert not mask_email(address).startswith(local + "@")

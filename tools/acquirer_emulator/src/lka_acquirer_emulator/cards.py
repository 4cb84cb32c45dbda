"""Card rules of the emulated bank: Luhn, brand by prefix, expiry, and the test cards' outcomes.

A card number lives only in the request that carries it: these functions take it and return
its masked form and the outcome, so nothing downstream ever needs the number itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Brand = Literal["mir", "visa", "mastercard"]

APPROVED = 0
INSUFFICIENT_FUNDS = 116
DECLINED_BY_ISSUER = 5
PROCESSING_TIMEOUT = 151018

# docs/acquiring.md "Test cards": the outcome after the card page (and the challenge, if any).
TEST_CARDS: dict[str, int] = {
    "2200000000000004": APPROVED,
    "4000000000003063": APPROVED,
    "2200000000000012": INSUFFICIENT_FUNDS,
    "4111111111111111": APPROVED,
    "5555555555554444": APPROVED,
    "4000000000000002": DECLINED_BY_ISSUER,
    "5300000000000006": PROCESSING_TIMEOUT,
}
# Cards whose issuer asks for a 3-D Secure challenge on every payment, a payment with the card's
# binding (`paymentOrderBinding.do`) too; other cards pay by their binding frictionless.
ALWAYS_CHALLENGED = {"4000000000003063"}

_EXPIRY_RE = re.compile(r"^(\d{2})\s*/\s*(\d{2})$")


class CardError(ValueError):
    """A card the page refuses; the message is shown to the payer, in Russian."""


@dataclass(frozen=True)
class CardCheck:
    brand: Brand
    masked_pan: str
    expiration: str  # YYYYMM, as RBS reports it
    action_code: int
    # Asked for 3-D Secure on the card page (every Mir card: MirAccept), and with its binding.
    challenged: bool
    challenged_with_binding: bool


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def brand_of(digits: str) -> Brand | None:
    """Mir 2200–2204, Visa 4, Mastercard 51–55 and 2221–2720 (docs/acquiring.md)."""
    if 2200 <= int(digits[:4]) <= 2204:
        return "mir"
    if digits.startswith("4"):
        return "visa"
    if 51 <= int(digits[:2]) <= 55 or 2221 <= int(digits[:4]) <= 2720:
        return "mastercard"
    return None


def mask(digits: str) -> str:
    """`220000******0004`: the first six and last four, as RBS shows a card."""
    return f"{digits[:6]}{'*' * (len(digits) - 10)}{digits[-4:]}"


def check_card(pan: str, expiry: str, cvc: str, now: datetime) -> CardCheck:
    """Validate the card page's fields; raises `CardError` with the page's message."""
    digits = re.sub(r"[\s-]", "", pan)
    if not digits.isdigit() or not 16 <= len(digits) <= 19 or not luhn_ok(digits):
        raise CardError("Неверный номер карты")
    brand = brand_of(digits)
    if brand is None:
        raise CardError("Карты этой платежной системы не принимаются. Оплатите картой «Мир», Visa или Mastercard")
    match = _EXPIRY_RE.match(expiry.strip())
    if match is None or not 1 <= int(match.group(1)) <= 12:
        raise CardError("Укажите срок действия карты в формате ММ/ГГ")
    month, year = int(match.group(1)), 2000 + int(match.group(2))
    if (year, month) < (now.year, now.month):
        raise CardError("Срок действия карты истек")
    if not re.fullmatch(r"\d{3}", cvc.strip()):
        raise CardError("Неверный код CVC2/CVV2: три цифры на обороте карты")
    always = digits in ALWAYS_CHALLENGED
    outcome = TEST_CARDS.get(digits, APPROVED)
    return CardCheck(brand, mask(digits), f"{year}{month:02d}", outcome, brand == "mir" or always, always)

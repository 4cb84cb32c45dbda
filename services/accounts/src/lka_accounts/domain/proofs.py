"""What proves a subscriber may link an account (the manual's «Добавление лицевого счета»).

Either the last payment's amount, exact to the kopeck, or the first three letters of the
owner's surname, compared case-insensitively and with ё = е (people type е for ё, and billing
spells it either way), both sides in Unicode NFC: «Ё» may come as one code point or as «Е» and
a combining diaeresis, from a keyboard or from billing, and is the same letter.
"""

from __future__ import annotations

import hmac
import unicodedata
from dataclasses import dataclass
from typing import Literal

from lka_accounts.domain.model import BillingAccount

SURNAME_PREFIX_LENGTH = 3


@dataclass(frozen=True)
class LastPaymentProof:
    amount_kopecks: int
    via: Literal["last_payment"] = "last_payment"


@dataclass(frozen=True)
class SurnameProof:
    letters: str
    via: Literal["surname"] = "surname"


Proof = LastPaymentProof | SurnameProof


def fold_letters(text: str) -> str:
    """The form in which letters are compared: NFC, trimmed, case-folded, ё as е.

    NFC comes first: in «Е» + U+0308 the «Е» would fold alone and the diaeresis stay a
    fourth code point, so billing's decomposed «Ёлкина» would never match «елк» or «Ёлк»."""
    return unicodedata.normalize("NFC", text).strip().casefold().replace("ё", "е")


def is_surname_prefix(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) == SURNAME_PREFIX_LENGTH and stripped.isalpha()


def as_entered(proof: Proof) -> Proof:
    """The proof as a request keeps it to show: letters trimmed and in capitals («ИВА»)."""
    if isinstance(proof, SurnameProof):
        return SurnameProof(unicodedata.normalize("NFC", proof.letters).strip().upper())
    return proof


def surname_prefix(surname: str) -> str:
    """The first three letters of billing's surname as an operator compares them («ИВА»)."""
    return unicodedata.normalize("NFC", surname).strip()[:SURNAME_PREFIX_LENGTH].upper()


def proves(proof: Proof, account: BillingAccount | None) -> bool:
    """Whether the proof matches the account; an account billing does not know matches nothing."""
    if account is None:
        return False
    if isinstance(proof, LastPaymentProof):
        return account.last_payment_kopecks is not None and account.last_payment_kopecks == proof.amount_kopecks
    expected = fold_letters(account.owner_surname)[:SURNAME_PREFIX_LENGTH]
    given = fold_letters(proof.letters)
    # A constant-time compare: the letters are a (weak) secret, so leak nothing through timing.
    return len(expected) == SURNAME_PREFIX_LENGTH and hmac.compare_digest(expected.encode(), given.encode())

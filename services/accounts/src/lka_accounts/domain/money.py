"""Money at the HTTP edge: kopecks (int) inside, decimal strings such as "1523.40" outside."""

from __future__ import annotations

import re

from lka_accounts.domain import messages

# Roubles with at most two fraction digits; a comma is what a person in Russia types.
_AMOUNT_RE = re.compile(r"^(\d{1,10})(?:[.,](\d{1,2}))?$")


def format_kopecks(kopecks: int) -> str:
    """`152340` -> `"1523.40"`, `-12000` -> `"-120.00"` (an overpayment is a negative debt)."""
    sign = "-" if kopecks < 0 else ""
    roubles, rest = divmod(abs(kopecks), 100)
    return f"{sign}{roubles}.{rest:02d}"


def parse_amount(text: str) -> int:
    """`"1523.4"` -> `152340`: exact to the kopeck, never through a float; > 0."""
    match = _AMOUNT_RE.match(text.strip())
    if match is None:
        raise ValueError(messages.AMOUNT_FORMAT)
    roubles, fraction = match.group(1), (match.group(2) or "").ljust(2, "0")
    kopecks = int(roubles) * 100 + int(fraction)
    if kopecks <= 0:
        raise ValueError(messages.AMOUNT_POSITIVE)
    return kopecks

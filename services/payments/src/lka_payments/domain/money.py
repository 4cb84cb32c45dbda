"""Money at the HTTP edge: kopecks (int) inside, decimal strings such as "1523.40" outside."""

from __future__ import annotations

import re

from lka_payments.domain import messages

# Roubles with at most two fraction digits; a comma is what a person in Russia types.
_AMOUNT_RE = re.compile(r"^(\d{1,12})(?:[.,](\d{1,2}))?$")


def format_kopecks(kopecks: int) -> str:
    """`152340` -> `"1523.40"`."""
    roubles, rest = divmod(kopecks, 100)
    return f"{roubles}.{rest:02d}"


def parse_amount(text: str) -> int:
    """`"1523.4"` -> `152340`: exact to the kopeck, never through a float; > 0."""
    match = _AMOUNT_RE.match(text.strip())
    if match is None:
        raise ValueError(messages.AMOUNT_FORMAT)
    kopecks = int(match.group(1)) * 100 + int((match.group(2) or "").ljust(2, "0"))
    if kopecks <= 0:
        raise ValueError(messages.AMOUNT_POSITIVE)
    return kopecks

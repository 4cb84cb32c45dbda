"""Money at the HTTP edge, one format for every service: kopecks (int) inside, decimal strings
of roubles outside ("1523.40"; "-120.00", an overpayment, is a negative debt).

Only the format is decided here. What an amount must be (a payment, or the last payment that
proves a link, more than zero) is each service's own rule, checked on the kopecks this returns.
"""

from __future__ import annotations

import re

# Twelve digits of roubles: any amount a person could owe or pay, and still far inside the
# BIGINT kopecks are stored in. The same bound as the web front end's amount field.
MAX_ROUBLE_DIGITS = 12

AMOUNT_FORMAT = "Укажите сумму в рублях с точностью до копейки, например 1523.40"

# At most two fraction digits; a comma is what a person in Russia types. ASCII digits only:
# `\d` alone would also take other scripts' digits, which `int()` reads as numbers.
_AMOUNT_RE = re.compile(rf"^(-?)(\d{{1,{MAX_ROUBLE_DIGITS}}})(?:[.,](\d{{1,2}}))?$", re.ASCII)


def format_kopecks(kopecks: int) -> str:
    """`152340` -> `"1523.40"`, `-12000` -> `"-120.00"`."""
    sign = "-" if kopecks < 0 else ""
    roubles, rest = divmod(abs(kopecks), 100)
    return f"{sign}{roubles}.{rest:02d}"


def parse_kopecks(text: str) -> int:
    """`"1523.4"`, `"1523,40"`, `" 1523.40 "` -> `152340`; `"-120"` -> `-12000`. Exact to the
    kopeck, never through a float; anything else is a `ValueError` with the Russian message."""
    match = _AMOUNT_RE.match(text.strip())
    if match is None:
        raise ValueError(AMOUNT_FORMAT)
    sign, roubles, fraction = match.group(1), match.group(2), (match.group(3) or "").ljust(2, "0")
    kopecks = int(roubles) * 100 + int(fraction)
    return -kopecks if sign else kopecks

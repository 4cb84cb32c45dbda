"""The rules a submitted reading must keep (docs/contract.md §2 readings), checked without I/O.

Values are Decimals, so "at most two fraction digits" and the rollover arithmetic are exact.
Every zone is checked and every fault listed; the problem's `code` is the gravest one found,
in the order of the contract: a wrong set of zones, a value the meter cannot show, a value
below the last one, then a consumption no household reaches in a month.

The public form (anyone who knows an account number and a serial) gets less: the last two
rules compare with billing's last reading, so which zone broke them, and which way, would
let a stranger read the household's last reading by trying values (docs/contract.md §2). There they
are one answer, `reading_not_accepted`, whatever the zone or the direction.
"""

from __future__ import annotations

from decimal import Decimal

from lka_readings.domain import messages
from lka_readings.domain.errors import InvalidReading
from lka_readings.domain.model import Meter, Values

ORDER = ("zones_mismatch", "reading_out_of_range", "reading_decreased", "reading_implausible")
# The faults found by comparing with the last reading: what the public form must not tell apart.
COMPARED = frozenset({"reading_decreased", "reading_implausible"})
NOT_ACCEPTED = "reading_not_accepted"


def consumption(new: Decimal, last: Decimal, digits: int) -> Decimal:
    """kWh used between two values of a register that wraps at 10^digits: a value below the last
    one is the register having passed its maximum."""
    if new >= last:
        return new - last
    modulus = Decimal(10) ** digits
    # Decimal's % keeps the dividend's sign (unlike int's), hence the modulus added back.
    return ((new - last) % modulus + modulus) % modulus


def check(meter: Meter, values: Values, ceiling: Decimal, *, reveal: bool = True) -> None:
    """Raise `InvalidReading` unless `values` is a reading this meter could show now.

    `reveal=False` (the public form, anyone may type a number): a fault found by comparing
    with the last reading is the one `reading_not_accepted`, with no zone, and is not reported
    at all beside a zone the meter cannot show.
    """
    names = meter.zone_names
    if set(values) != set(names):
        detail = messages.zones_mismatch(names, meter.zone_titles)
        raise InvalidReading("zones_mismatch", detail, [{"field": "values", "message": detail}])
    faults: list[tuple[str, str, str]] = []
    for zone in names:
        found = _zone_fault(meter, zone, values[zone], ceiling)
        if found is not None:
            faults.append((found[0], f"values.{zone}", found[1]))
    if faults and not reveal:
        # Beside a value out of range the comparisons are left out, not merged: otherwise one
        # zone kept out of range on purpose, so that nothing is ever stored, would let the
        # other zones be compared with the last reading for free, any number of times.
        own = [fault for fault in faults if fault[0] not in COMPARED]
        if not own:
            only = [{"field": "values", "message": messages.NOT_ACCEPTED}]
            raise InvalidReading(NOT_ACCEPTED, messages.NOT_ACCEPTED, only)
        faults = own
    if faults:
        faults.sort(key=lambda fault: ORDER.index(fault[0]))
        code, _, detail = faults[0]
        raise InvalidReading(code, detail, [{"field": field, "message": text} for _, field, text in faults])


def _zone_fault(meter: Meter, zone: str, value: Decimal, ceiling: Decimal) -> tuple[str, str] | None:
    if not value.is_finite():
        return "reading_out_of_range", messages.not_a_number(zone)
    if value < 0:
        return "reading_out_of_range", messages.negative(zone)
    if value >= Decimal(10) ** meter.digits:
        return "reading_out_of_range", messages.too_many_digits(zone, meter.digits)
    # After the size check: quantize refuses numbers beyond the context's precision.
    if value != value.quantize(Decimal("0.01")):
        return "reading_out_of_range", messages.too_precise(zone)
    last = meter.last_reading.values.get(zone) if meter.last_reading else None
    if last is None:
        return None  # a new meter: nothing to compare with
    used = consumption(value, last, meter.digits)
    if value < last and used > ceiling:
        # Too far below the last value to be the register wrapping round: a mistyped reading.
        return "reading_decreased", messages.decreased(zone, last)
    if used > ceiling:
        return "reading_implausible", messages.implausible(zone, used, ceiling)
    return None

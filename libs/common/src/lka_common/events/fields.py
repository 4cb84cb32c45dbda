"""Field types shared by the event payload models: money, moments, accounts, meter readings.

One definition each, so every event states kopecks, times and readings the same way and the
AsyncAPI document (generated from these models) describes them once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PlainSerializer, StrictInt, WithJsonSchema

# Strict: a JSON 12.5 (or even 12.0) is refused rather than rounded; money is never a float.
Kopecks = Annotated[StrictInt, Field(description="Money in kopecks (100 kopecks = 1 rouble).")]
PositiveKopecks = Annotated[StrictInt, Field(gt=0, description="Money in kopecks (100 kopecks = 1 rouble), > 0.")]

# Aware: consumers compare these moments ("the newest as_of wins"); a naive one cannot be compared.
Moment = Annotated[AwareDatetime, Field(description="RFC 3339 date-time with its offset.")]

RegionCode = Annotated[
    str, Field(description="The supplier's region code (a district or city district, GET /regions).")
]
AccountNumber = Annotated[str, Field(description="The personal account number within its region.")]
BillingPeriod = Annotated[
    str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="The month the reading counts for, YYYY-MM.")
]

ZoneName = Literal["T1", "T2", "T3"]


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# A meter value is a Decimal inside (consumption and rollover checks are exact arithmetic), and a
# JSON number on the wire, as the contract says: pydantic would write a Decimal as a JSON string,
# hence the serializer. The float it writes is exact: at most 2 fraction digits below 10^13 is at
# most 15 significant digits, which a double carries and prints back unchanged. Reading a JSON
# number into a Decimal goes through its shortest repr, so 12456.37 stays 12456.37, not a binary
# approximation.
MeterValue = Annotated[
    Decimal,
    Field(ge=0, lt=10**13, decimal_places=2),
    PlainSerializer(_json_number, return_type=int | float, when_used="json"),
    WithJsonSchema({"type": "number", "minimum": 0, "exclusiveMaximum": 10**13, "description": "kWh, ≤ 2 decimals."}),
]
MeterValues = Annotated[
    dict[ZoneName, MeterValue],
    Field(min_length=1, description='Register value per tariff zone, e.g. {"T1": 12456, "T2": 5678.5}.'),
]


class EventPart(BaseModel):
    """A nested object of an event's data: tolerant of unknown fields like the data itself."""

    model_config = ConfigDict(extra="ignore", frozen=True)

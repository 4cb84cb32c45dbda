"""A calendar day as the staff's calls take it, in a body, a query or a path."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day_text(value: object) -> object:
    """A day only as the text YYYY-MM-DD. pydantic alone also takes a number, or a string of
    digits, as Unix time (`{"date": 0}`, `?to=0` would be 1970-01-01): no client means that."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value  # already a day (a caller in Python)
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        # The type validation_ru words as «Ожидается дата в формате ГГГГ-ММ-ДД».
        raise PydanticCustomError("date_parsing", "Input should be a date as YYYY-MM-DD")
    return value


IsoDay = Annotated[date, BeforeValidator(iso_day_text)]
"""A calendar day in a body, a query or a path: ISO text only."""

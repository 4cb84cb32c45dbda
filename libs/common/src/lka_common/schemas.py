"""Base models and field types of the HTTP edge, shared by every service.

Request bodies forbid unknown fields (QUALITY 7); Russian messages for our own rules come
from the `ValueError`s raised here (see validation_ru.py).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _email(value: str) -> str:
    value = value.strip()
    if len(value) > 254 or not _EMAIL_RE.match(value):
        raise ValueError("Некорректный адрес электронной почты")
    local, _, domain = value.partition("@")
    return f"{local}@{domain.lower()}"


EmailAddress = Annotated[str, Field(max_length=254), AfterValidator(_email)]


class Page(BaseModel):
    """`limit` and `offset` of a list (CONTRACT §2: default 50, at most 200)."""

    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)

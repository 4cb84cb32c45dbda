"""Base models and field types of the HTTP edge, shared by every service.

Request bodies forbid unknown fields (docs/quality.md item 7); Russian messages for our own rules come
from the `ValueError`s raised here (see validation_ru.py).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

# Neither `@`, whitespace nor control characters. Spelled out so that Python's `\s` and the
# document's (JSON Schema's, ECMA's) agree: alone they differ on U+001C-U+001F, U+0085 and
# U+FEFF, and an e-mail the document calls valid would be refused here.
_EMAIL_CHAR = r"[^@\s\x00-\x1f\x7f-\x9f\ufeff]"
_EMAIL_RE = re.compile(rf"^{_EMAIL_CHAR}{{1,64}}@{_EMAIL_CHAR}+\.{_EMAIL_CHAR}{{2,}}$")


NUL_REFUSED = "Текст не может содержать нулевой символ (U+0000)"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def nfc(value: Any) -> Any:
    """Every string in `value` in Unicode NFC: «Ё» typed as one code point or as «Е» + U+0308
    is the same letter, and must compare and be stored as the same text (docs/contract.md §4)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc(key): nfc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [nfc(item) for item in value]
    return value


class RequestModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # PostgreSQL text cannot hold U+0000: such a string reaching the database is a 500.
    # Refused here for every field
    # of every request body, as a 422 naming the field. What passes is NFC-normalised, so no
    # service compares or stores two spellings of one text.
    @field_validator("*", mode="before", check_fields=False)
    @classmethod
    def _refuse_nul_and_normalise(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError(NUL_REFUSED)
        return nfc(value)


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _email(value: str) -> str:
    value = value.strip()
    if len(value) > 254 or not _EMAIL_RE.match(value):
        raise ValueError("Некорректный адрес электронной почты")
    local, _, domain = value.partition("@")
    return f"{local}@{domain.lower()}"


# The pattern is in the document too (only there: `_email` does the checking), so a client
# knows "" or "0000" is refused: a body valid by the document is never a 422 for its e-mail.
EmailAddress = Annotated[
    str, Field(max_length=254, json_schema_extra={"pattern": _EMAIL_RE.pattern}), AfterValidator(_email)
]


# The largest OFFSET PostgreSQL takes (a bigint): asyncpg cannot send a larger one, so it is
# refused here as a 422 rather than failing as a 500.
MAX_OFFSET = 2**63 - 1


class Page(BaseModel):
    """`limit` and `offset` of a list (docs/contract.md §2: default 50, at most 200)."""

    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

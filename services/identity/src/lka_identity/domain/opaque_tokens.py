"""Secrets handed to a person or a client: confirmation, reset and refresh tokens.

Each is 256 random bits, URL-safe (letters, digits, `-`, `_`: docs/contract.md §2), and only its
SHA-256 is ever stored, so a copy of the database opens nothing (docs/quality.md item 3, 5). A plain hash
is enough, unlike for passwords: the input is random, there is nothing to guess.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from enum import StrEnum

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


class TokenPurpose(StrEnum):
    EMAIL_CONFIRMATION = "email_confirmation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a secret


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def well_formed(secret: str) -> bool:
    """Anything else cannot be one of ours: refused before a query is spent on it."""
    return bool(_TOKEN_RE.match(secret))

"""What identity counts attempts of, and on which keys.

The counting itself (a sliding window, in the database so every replica sees the same
attempts) is lka_common's: throttling.py does the arithmetic, attempts.py the SQL.
"""

from __future__ import annotations

from enum import StrEnum


class AttemptKind(StrEnum):
    LOGIN = "login"  # a password check: sign-in, and the password checks of change and merge
    MAIL = "mail"  # an anonymous call that may send a letter (register, resend, forgot)
    LETTER = "letter"  # a letter sent to an address without its owner being signed in
    TOKEN = "token"  # noqa: S105 - a wrong confirmation or reset token (a counter, not a secret)


def account_key(email: str) -> str:
    return f"account:{email.strip().lower()}"


def client_key(address: str) -> str:
    return f"client:{address}"

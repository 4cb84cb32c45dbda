"""The staff's second factor (docs/contract.md §4): TOTP codes and recovery codes, as rules.

TOTP is RFC 6238 as every authenticator app has it: SHA-1, 6 digits, a 30-second step, computed
by `pyotp`; a code of the step before or after the server's is accepted too (clocks drift), and
each code only once: a code is accepted only for a step later than the last one accepted, so a
code seen over a shoulder or in a proxy's log is worth nothing once used. A recovery code is one
of ten random ones shown once at enrolment, each good for one sign-in.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime

import pyotp

TOTP_DIGITS = 6
TOTP_PERIOD_S = 30
# Steps either side of the server's own that a code may belong to.
TOTP_WINDOW = 1
RECOVERY_CODE_COUNT = 10
# The fifth wrong code of one sign-in voids its `mfa_token` (docs/contract.md §4).
MFA_FAILURES_ALLOWED = 5

# Twelve characters of 31 that cannot be mistaken for one another (no 0/o, 1/l/i): about 59 bits,
# far beyond guessing through the sign-in limits. Shown in groups of four.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_LENGTH = 12
_TOTP_SHAPE = re.compile(rf"^[0-9]{{{TOTP_DIGITS}}}$")


def new_totp_secret() -> str:
    """160 random bits in base32, the length RFC 4226 recommends for HMAC-SHA-1."""
    return pyotp.random_base32(length=32)


def enrolment_uri(secret: str, email: str, issuer: str) -> str:
    """The `otpauth://totp/…` URI an authenticator app takes (as a QR code or typed in)."""
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_PERIOD_S)
    return totp.provisioning_uri(name=email, issuer_name=issuer)


def time_step(now: datetime) -> int:
    return int(now.timestamp()) // TOTP_PERIOD_S


def is_totp_shaped(code: str) -> bool:
    """Six digits: a TOTP code; anything else is taken for a recovery code."""
    return bool(_TOTP_SHAPE.match(code))


def accepted_step(secret: str, code: str, now: datetime, last_used_step: int) -> int | None:
    """The time step `code` is the code of, within the window around `now` and later than
    `last_used_step`; None when it is none of those (wrong, stale, or already used)."""
    if not is_totp_shaped(code):
        return None
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_PERIOD_S)
    current = time_step(now)
    found = None
    for step in range(current - TOTP_WINDOW, current + TOTP_WINDOW + 1):
        # Every candidate is compared, in constant time, whatever matched before.
        if hmac.compare_digest(totp.generate_otp(step), code) and step > last_used_step and found is None:
            found = step
    return found


def new_recovery_codes() -> list[str]:
    return [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def normalised_recovery_code(code: str) -> str:
    """What is compared: the code without spaces and dashes, in lower case, however it was typed."""
    return re.sub(r"[\s-]", "", code).lower()

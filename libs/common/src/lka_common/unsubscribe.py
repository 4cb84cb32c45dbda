"""One-click unsubscribe links (RFC 8058) for the letters a subscriber may turn off.

A token names one user and one kind of letter (a field of identity's `/profile/notifications`)
and is signed with HMAC-SHA256 under a stack-wide secret (`LKA_UNSUBSCRIBE_SECRET`): the
notifications service signs it when it sends a reminder, identity checks it at
`POST /public/unsubscribe?token=…` and turns that kind off without a sign-in. It does not expire:
a link in a letter must work whenever the letter is read, and all it can do is stop letters of
one kind to the person it was sent to (who can turn them on again in the profile).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import Field, SecretStr

from lka_common.settings import PLACEHOLDER_SECRET, shared_env

# The kinds a link can turn off, in a fixed order: the token carries the index, not the name.
KINDS = ("reading_window", "verification_due", "debt", "bill_issued", "payment_receipts", "new_sign_in")
_MAC_BYTES = 16  # 128 bits: plenty against forging, and a short link
_CONTEXT = b"lka unsubscribe v1"


def unsubscribe_secret_field() -> Any:
    """The secret the signer and the checker share: `LKA_UNSUBSCRIBE_SECRET` (or the service's own)."""
    default = f"{PLACEHOLDER_SECRET}-unsubscribe-secret"
    return Field(default_factory=lambda: SecretStr(shared_env("UNSUBSCRIBE_SECRET", default)))


@dataclass(frozen=True)
class Unsubscribe:
    user_id: uuid.UUID
    kind: str


def sign(secret: SecretStr, user_id: uuid.UUID, kind: str) -> str:
    payload = user_id.bytes + bytes([KINDS.index(kind)])
    return _b64(payload + _mac(secret, payload))


def verify(secret: SecretStr, token: str) -> Unsubscribe | None:
    """The user and kind a token names, or None for anything not signed by us."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        return None
    payload, mac = raw[:17], raw[17:]
    if len(raw) != 17 + _MAC_BYTES or not hmac.compare_digest(mac, _mac(secret, payload)):
        return None
    if payload[16] >= len(KINDS):
        return None
    return Unsubscribe(uuid.UUID(bytes=payload[:16]), KINDS[payload[16]])


def _mac(secret: SecretStr, payload: bytes) -> bytes:
    key = secret.get_secret_value().encode()
    return hmac.new(key, _CONTEXT + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

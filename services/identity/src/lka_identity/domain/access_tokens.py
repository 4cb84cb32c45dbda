"""The claims of an access token (docs/contract.md §2, docs/quality.md item 5): what every service reads from it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from lka_identity.domain.users import User

ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret


def access_claims(
    user: User, session_id: UUID, now: datetime, lifetime: timedelta, issuer: str, audience: str
) -> dict[str, Any]:
    # `iat` to the millisecond (RFC 7519 NumericDate may be fractional): the gateway refuses
    # every token issued up to an all-sessions revocation (password reset, merge), and with whole
    # seconds a sign-in in the same second as the reset got a token refused for its whole life.
    issued = round(now.timestamp(), 3)
    return {
        "sub": str(user.id),
        "sid": str(session_id),
        "role": user.role,
        "email": user.email,
        "aud": audience,
        "iss": issuer,
        "iat": issued,
        "exp": int(issued) + int(lifetime.total_seconds()),
        "jti": uuid.uuid4().hex,
        "typ": ACCESS_TOKEN_TYPE,
    }

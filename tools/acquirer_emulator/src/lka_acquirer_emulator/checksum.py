"""The RBS callback checksum (docs/acquiring.md): HMAC-SHA256 over the sorted `name;value;` pairs.

Shared by nobody: the payments service has its own copy of the rule, so a mistake in one
is caught by the other in the tests rather than repeated on both sides.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

_UNSIGNED = {"checksum", "sign_alias"}


def signed_string(params: Mapping[str, str]) -> str:
    """`amount;1500;mdOrder;…;` : every field but the checksum itself, sorted by name."""
    return "".join(f"{name};{params[name]};" for name in sorted(params) if name not in _UNSIGNED)


def checksum(params: Mapping[str, str], key: str) -> str:
    digest = hmac.new(key.encode(), signed_string(params).encode(), hashlib.sha256)
    return digest.hexdigest().upper()

"""Personal data shown to staff only as much as they need: an e-mail address masked.

One definition, so every page of the portal masks an address the same way.
"""

from __future__ import annotations

MASK = "***"


def mask_email(address: str) -> str:
    """`ivanov@mail.ru` -> `iv***@mail.ru`: the first two characters of the mailbox (one, when it
    has no more than two), then `***`, then the domain as it is. Enough to tell two people apart
    and to match a caller who reads out their address; not enough to write to them. Text that
    is not an address (no `@`, or nothing before it) is masked whole."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local:
        return MASK
    shown = local[:1] if len(local) <= 2 else local[:2]
    return f"{shown}{MASK}@{domain}"

"""The demo subscriber `make run` creates (docs/contract.md §1 demo data): an ordinary confirmed
subscriber, made once and left alone afterwards, whatever happened to the address meanwhile.

Kept apart from staff creation (service_layer/operators.py) on purpose: this path may find the
address taken and answer "already there"; that one must refuse.
"""

from __future__ import annotations

from lka_common.uow import UnitOfWork
from lka_identity.adapters import users
from lka_identity.domain.users import SUBSCRIBER_ROLE
from lka_identity.service_layer.commanded_profiles import add_confirmed
from lka_identity.service_layer.context import IdentityContext


async def ensure_demo_subscriber(uow: UnitOfWork, ctx: IdentityContext, *, email: str, password: str) -> bool:
    """True when the confirmed subscriber was created now; False when the address was taken
    (by an earlier run, or by anyone: that profile is not touched)."""
    async with uow:
        if await users.by_email(uow.session, email) is not None:
            return False  # no password hash spent on every `make run`
    return await add_confirmed(uow, ctx, email=email, password=password, role=SUBSCRIBER_ROLE) is not None

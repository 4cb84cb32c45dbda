"""The supplier's staff (`make operator`): a profile with the role `operator` or `supervisor`,
made by command, never by the registration form, and only for an address no profile uses.

An address someone already registered (even unconfirmed, merged, or lapsed but not yet swept) is
refused and left exactly as it is: whoever registered it chose its password, so neither turning
it into staff nor confirming or re-passwording it is safe, and a subscriber never becomes staff
(docs/contract.md §4). Staff come with a confirmed address: an administrator typed it.
"""

from __future__ import annotations

from lka_common.uow import UnitOfWork
from lka_identity.domain.users import STAFF_ROLES, User
from lka_identity.service_layer.commanded_profiles import add_confirmed
from lka_identity.service_layer.context import IdentityContext


class AddressTaken(Exception):
    """The address belongs to a profile already; nothing was changed."""


async def create_staff(uow: UnitOfWork, ctx: IdentityContext, *, email: str, password: str, role: str) -> User:
    """The new confirmed staff profile; `AddressTaken` when any profile has the address."""
    if role not in STAFF_ROLES:
        raise ValueError(f"not a staff role: {role}")
    user = await add_confirmed(uow, ctx, email=email, password=password, role=role)
    if user is None:
        raise AddressTaken(email)
    return user

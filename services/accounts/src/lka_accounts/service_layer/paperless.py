"""A subscriber turns paper bills off (bills come by letter with the PDF) or on again, for one
account they have linked; each change is announced with `accounts.paperless.changed.v1`.

The switch is the subscriber's own, not the account's: of a family sharing an account, each
decides whether the bills come to their own address. Setting it to what it already is changes
nothing and announces nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from lka_accounts.adapters import links, paperless
from lka_accounts.domain.errors import NotFound
from lka_common.events.accounts import PaperlessChanged
from lka_common.uow import UnitOfWork


async def switch(uow: UnitOfWork, user_id: UUID, account_id: UUID, enabled: bool) -> None:
    async with uow:
        found = await links.summary_of_user(uow.session, user_id, account_id)
        if found is None:
            raise NotFound
        if await paperless.switch(uow.session, user_id, account_id, enabled, datetime.now(UTC)):
            event = PaperlessChanged(
                account_id=account_id,
                region_code=found.account.region_code,
                account_number=found.account.number,
                user_id=user_id,
                enabled=enabled,
            )
            uow.publish(event, subject=str(account_id))
        await uow.commit()


async def is_enabled(uow: UnitOfWork, user_id: UUID, account_id: UUID) -> bool:
    async with uow:
        if await links.summary_of_user(uow.session, user_id, account_id) is None:
            raise NotFound
        return account_id in await paperless.enabled_among(uow.session, user_id, [account_id])

"""Profiles merged in identity: the source user's links and requests move to the target.

Idempotent: a redelivered event is stopped by the inbox, and a second merge event for the same
pair finds nothing left to move. Each link the target gains is announced with
`accounts.account.linked.v1` (`linked_via: "merge"`), and each the source loses with
`accounts.account.unlinked.v1` (an account both had stays the target's, announced once), so
the readings and payments projections of who may see which account follow without knowing
about merges.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lka_accounts.adapters import links, requests
from lka_common.events.accounts import AccountLinked, AccountUnlinked
from lka_common.events.envelope import CloudEvent
from lka_common.events.identity import ProfilesMerged
from lka_common.uow import UnitOfWork


async def profiles_merged(uow: UnitOfWork, data: ProfilesMerged, event: CloudEvent) -> None:
    source, target = data.source_user_id, data.target_user_id
    if source == target:
        return
    now = datetime.now(UTC)
    for moved, gained in await links.move(uow.session, source, target, now):
        subject = str(moved.account_id)
        unlinked = AccountUnlinked(
            user_id=source, account_id=moved.account_id, region_code=moved.region_code, account_number=moved.number
        )
        uow.publish(unlinked, subject=subject)
        if gained:
            linked = AccountLinked(
                user_id=target,
                account_id=moved.account_id,
                region_code=moved.region_code,
                account_number=moved.number,
                linked_via="merge",
            )
            uow.publish(linked, subject=subject)
    await requests.move(uow.session, source, target)

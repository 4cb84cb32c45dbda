"""Profiles merged in identity: the source user's links, paperless switches and requests move to
the target.

Idempotent: a redelivered event is stopped by the inbox, and a second merge event for the same
pair finds nothing left to move. Each link the target gains is announced with
`accounts.account.linked.v1` (`linked_via: "merge"`), and each the source loses with
`accounts.account.unlinked.v1` (an account both had stays the target's, announced once), so
the readings and payments projections of who may see which account follow without knowing
about merges.

The source's paperless switch for a moved account becomes the target's unless the target has
its own for that account (the target's choice stands); the source's switches are removed. As
with links, each change of a switch is announced with `accounts.paperless.changed.v1`: the
target's turning on, and the source's losing one that was on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from lka_accounts.adapters import links, paperless, requests
from lka_accounts.adapters.links import LinkedAccount
from lka_common.events.accounts import AccountLinked, AccountUnlinked, PaperlessChanged
from lka_common.events.envelope import CloudEvent
from lka_common.events.identity import ProfilesMerged
from lka_common.uow import UnitOfWork


async def profiles_merged(uow: UnitOfWork, data: ProfilesMerged, event: CloudEvent) -> None:
    source, target = data.source_user_id, data.target_user_id
    if source == target:
        return
    now = datetime.now(UTC)
    moved_links = await links.move(uow.session, source, target, now)
    for moved, gained in moved_links:
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
    accounts = {moved.account_id: moved for moved, _ in moved_links}
    for switch in await paperless.move(uow.session, source, target, accounts.keys(), now):
        if not switch.enabled:
            continue  # off is what no switch means: neither profile's bills change
        _announce_paperless(uow, accounts[switch.account_id], source, enabled=False)
        if switch.taken:
            _announce_paperless(uow, accounts[switch.account_id], target, enabled=True)
    await requests.move(uow.session, source, target)


def _announce_paperless(uow: UnitOfWork, account: LinkedAccount, user_id: UUID, *, enabled: bool) -> None:
    changed = PaperlessChanged(
        account_id=account.account_id,
        region_code=account.region_code,
        account_number=account.number,
        user_id=user_id,
        enabled=enabled,
    )
    uow.publish(changed, subject=str(account.account_id))

"""The revocation list on its own, and what one delivery from the broker does to it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from lka_common.events.envelope import new_event
from lka_common.events.identity import SessionRevoked
from lka_gateway.revocation_feed import RevocationFeed
from lka_gateway.revocations import RevocationList
from lka_gateway.settings import GatewaySettings

TTL_S = 900.0


def test_a_listed_session_is_revoked_whatever_the_tokens_age() -> None:
    revocations = RevocationList(keep_s=TTL_S)
    user, session = uuid.uuid4(), uuid.uuid4()
    revocations.apply(user, session, datetime.now(UTC))
    assert revocations.is_revoked(user, session, issued_at=datetime.now(UTC).timestamp() + 5)
    assert not revocations.is_revoked(user, uuid.uuid4(), issued_at=0)
    assert not revocations.is_revoked(user, None, issued_at=0)


def test_all_sessions_refuse_tokens_issued_up_to_the_moment_and_not_after() -> None:
    revocations = RevocationList(keep_s=TTL_S)
    user = uuid.uuid4()
    moment = datetime.now(UTC).replace(microsecond=500_000)
    revocations.apply(user, None, moment)
    # `iat` is to the millisecond (identity's access_claims): a token of the same second is
    # refused when it is older, and let through when it came after (a sign-in right after a reset).
    assert revocations.is_revoked(user, uuid.uuid4(), issued_at=int(moment.timestamp()))
    assert revocations.is_revoked(user, uuid.uuid4(), issued_at=moment.timestamp())
    assert revocations.is_revoked(user, None, issued_at=moment.timestamp() - 60)
    assert not revocations.is_revoked(user, uuid.uuid4(), issued_at=moment.timestamp() + 0.001)
    assert not revocations.is_revoked(user, uuid.uuid4(), issued_at=int(moment.timestamp()) + 1)
    assert not revocations.is_revoked(uuid.uuid4(), None, issued_at=0)


def test_the_latest_all_sessions_moment_wins_whatever_the_order() -> None:
    revocations = RevocationList(keep_s=TTL_S)
    user = uuid.uuid4()
    late = datetime.now(UTC)
    revocations.apply(user, None, late)
    revocations.apply(user, None, late - timedelta(minutes=5))  # an older one, from the list
    assert revocations.is_revoked(user, None, issued_at=late.timestamp() - 1)


def test_entries_are_dropped_once_no_token_they_refuse_can_be_alive() -> None:
    revocations = RevocationList(keep_s=TTL_S)
    user, session = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    revocations.apply(user, session, now - timedelta(seconds=TTL_S + 1))  # dropped at once
    assert len(revocations) == 0
    revocations.apply(user, session, now)
    revocations.apply(user, None, now - timedelta(minutes=1))
    revocations.apply(user, None, now)  # the same user again, later: one entry, kept longest
    assert len(revocations) == 2
    revocations.drop_expired(now=now.timestamp() + TTL_S - 30)
    assert len(revocations) == 2
    revocations.drop_expired(now=now.timestamp() + TTL_S)
    assert len(revocations) == 0


class Delivery:
    """Stands in for aio-pika's incoming message: a body, and whether it was acked."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.message_id = "test"
        self.acked = False

    async def ack(self) -> None:
        self.acked = True


@pytest.mark.parametrize("body", [b"", b"{not json", b'{"id": "1", "source": "/x", "type": "x.v1", "data": {}}'])
async def test_an_unreadable_delivery_is_acked_and_changes_nothing(body: bytes) -> None:
    revocations = RevocationList(keep_s=TTL_S)
    delivery = Delivery(body)
    await RevocationFeed(GatewaySettings(), revocations).handle(delivery)  # type: ignore[arg-type]
    assert delivery.acked
    assert len(revocations) == 0


async def test_a_revocation_is_applied_then_acked() -> None:
    revocations = RevocationList(keep_s=TTL_S)
    user, session = uuid.uuid4(), uuid.uuid4()
    revoked = SessionRevoked(user_id=user, session_id=session, revoked_at=datetime.now(UTC))
    delivery = Delivery(new_event(revoked, "/lka/identity", str(user)).to_json())
    await RevocationFeed(GatewaySettings(), revocations).handle(delivery)  # type: ignore[arg-type]
    assert delivery.acked
    assert revocations.is_revoked(user, session, issued_at=0)

"""The sessions identity ended before their tokens expired, as the gateway remembers them.

Two kinds of entry (`SessionRevoked`): one session (sign-out), or every session of a user
up to a moment (password reset, merge), which refuses each token of that user issued then
or earlier. An entry matters only while a token it refuses can still be alive: identity
issues none for a revoked session, so every such token has `exp` at most the access-token
lifetime after `revoked_at`, and the entry is dropped once that has passed. Both `exp` and
that moment are read on the gateway's clock, so clock skew with identity cannot reopen a
token early.
"""

from __future__ import annotations

import heapq
import time
from datetime import datetime
from uuid import UUID

_SESSION, _USER = 0, 1


class RevocationList:
    """In memory, per process: filled from identity at start-up and from events after."""

    def __init__(self, keep_s: float) -> None:
        self._keep_s = keep_s
        self._sessions: dict[UUID, float] = {}  # session id -> when it was revoked
        self._users: dict[UUID, float] = {}  # user id -> every session issued up to this moment
        # Entries by age, so dropping the old ones never scans the rest. A loaded list comes
        # newest first and events may cross it, hence a heap rather than a queue.
        self._by_age: list[tuple[float, int, UUID]] = []

    def apply(self, user_id: UUID, session_id: UUID | None, revoked_at: datetime) -> None:
        """Adds a revocation; applying the same one twice (list and event) changes nothing."""
        moment = revoked_at.timestamp()
        if session_id is not None:
            self._sessions[session_id] = max(moment, self._sessions.get(session_id, moment))
            heapq.heappush(self._by_age, (moment, _SESSION, session_id))
        else:
            # The latest moment wins: it covers every token the earlier ones covered.
            self._users[user_id] = max(moment, self._users.get(user_id, moment))
            heapq.heappush(self._by_age, (moment, _USER, user_id))
        self.drop_expired()

    def is_revoked(self, user_id: UUID, session_id: UUID | None, issued_at: float) -> bool:
        """Asked on every call, cached token or not: two dict lookups.

        `iat` is to the millisecond (identity rounds it), so a sign-in right after a password
        reset is not caught by the reset; a token issued in the very millisecond of the
        revocation counts as issued before it: refused, never let through.
        """
        if session_id is not None and session_id in self._sessions:
            return True
        all_before = self._users.get(user_id)
        return all_before is not None and issued_at <= all_before

    def drop_expired(self, now: float | None = None) -> None:
        horizon = (time.time() if now is None else now) - self._keep_s
        by_age = self._by_age
        while by_age and by_age[0][0] <= horizon:
            moment, kind, key = heapq.heappop(by_age)
            entries = self._sessions if kind == _SESSION else self._users
            # A later revocation of the same key has its own heap entry and keeps the key.
            if entries.get(key) == moment:
                del entries[key]

    def __len__(self) -> int:
        return len(self._sessions) + len(self._users)

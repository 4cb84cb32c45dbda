"""Doing something only once a unit of work's transaction has committed.

A business counter (a reading submitted, a letter sent) must not move for a transaction that
then rolls back: a rolled-back submission is not a submission. Where the commit is the
caller's (the consumer runner commits after its handler returns), the handler registers what
to do with `after_commit`, and SQLAlchemy runs it after the COMMIT succeeded, never after a
rollback.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession


def after_commit(session: AsyncSession, action: Callable[[], object]) -> None:
    """Run `action` once, after `session`'s current transaction commits; not at all if it
    rolls back (a unit of work's session is closed after its block and never reused)."""
    event.listen(session.sync_session, "after_commit", lambda _session: action(), once=True)

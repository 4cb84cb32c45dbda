"""Readiness as a metric (lka_common.readiness) and counting only what commits
(lka_common.after_commit), against the real database."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lka_common import readiness
from lka_common.after_commit import after_commit
from lka_common.testing.metrics import sample
from lka_common.uow import UnitOfWork


def test_each_evaluation_sets_the_gauge_and_only_a_change_of_answer_counts() -> None:
    component = f"tests-{uuid.uuid4().hex[:8]}"

    def state() -> tuple[float, float]:
        return sample("lka_ready", component=component), sample("lka_readiness_changes_total", component=component)

    assert readiness.observe(component, False) is False
    assert state() == (0, 0)  # the first answer is no change
    readiness.observe(component, False)
    assert state() == (0, 0)
    readiness.observe(component, True)
    readiness.observe(component, True)
    assert state() == (1, 1)
    answers = iter([False, True])
    check = readiness.observed(component, lambda: next(answers))
    assert (check(), check()) == (False, True)
    assert state() == (1, 3)


async def test_an_action_after_commit_runs_once_the_unit_commits_and_never_after_a_rollback(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    done: list[str] = []

    async with UnitOfWork(sessionmaker, "/lka/tests") as uow:
        await uow.session.execute(text("INSERT INTO effects (message_id, note) VALUES ('m', 'rolled back')"))
        after_commit(uow.session, lambda: done.append("rolled back"))
    async with UnitOfWork(sessionmaker, "/lka/tests") as uow:
        await uow.session.execute(text("INSERT INTO effects (message_id, note) VALUES ('m', 'committed')"))
        after_commit(uow.session, lambda: done.append("committed"))
        assert done == []  # not before the COMMIT
        await uow.commit()

    assert done == ["committed"]

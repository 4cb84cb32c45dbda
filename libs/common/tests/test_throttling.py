"""The sliding window's arithmetic (lka_common.throttling): how long a caller waits, if at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lka_common.throttling import Limit, seconds_until, wait_seconds

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
LIMIT = Limit(10, timedelta(minutes=15))


def test_under_the_limit_nobody_waits() -> None:
    assert wait_seconds(LIMIT, None, NOW) is None


def test_past_it_the_wait_ends_when_the_limit_th_newest_attempt_leaves_the_window() -> None:
    assert wait_seconds(LIMIT, NOW - timedelta(minutes=5), NOW) == 600
    assert wait_seconds(LIMIT, NOW, NOW) == 900


def test_a_wait_is_whole_seconds_rounded_up_and_never_zero() -> None:
    assert wait_seconds(LIMIT, NOW - timedelta(minutes=15) + timedelta(milliseconds=1), NOW) == 1
    assert wait_seconds(LIMIT, NOW - timedelta(minutes=15), NOW) == 1  # leaving the window this instant
    assert wait_seconds(LIMIT, NOW - timedelta(seconds=10.2), NOW) == 890


def test_seconds_until_a_moment_such_as_midnight() -> None:
    assert seconds_until(NOW + timedelta(hours=12), NOW) == 43200
    assert seconds_until(NOW + timedelta(microseconds=1), NOW) == 1
    assert seconds_until(NOW - timedelta(seconds=5), NOW) == 1

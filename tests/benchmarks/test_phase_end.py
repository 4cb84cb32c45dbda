"""`bench.py --alongside`: the command is told when the phase's measurement ends, and reminders.py
waits for that moment before its checks (they are the benchmark's own work, not the run's)."""

from __future__ import annotations

import asyncio
import shlex
import sys
import tempfile
import time
from pathlib import Path

import phases
import pytest
import reminders

# What reminders.py reads, printed by the command: the name both sides use is checked with the value.
PRINT_PHASE_END = f"import os; print(os.environ[{reminders.BENCH_PHASE_ENDS_AT!r}])"


def test_the_command_beside_a_phase_is_told_when_its_measurement_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the command's output log, left behind
    before = time.time()

    with phases.alongside(shlex.join([sys.executable, "-c", PRINT_PHASE_END]), "paced", 33.0):
        pass

    told = float(capsys.readouterr().out.splitlines()[-1])  # the command's output, printed last
    assert before + 33.0 - 0.01 <= told <= time.time() + 33.0


def test_the_wait_is_none_for_a_moment_past() -> None:
    started = time.monotonic()

    slept = asyncio.run(reminders.wait_until(time.time() - 5.0))

    assert slept == 0.0 and time.monotonic() - started < 0.1


def test_the_wait_lasts_until_a_moment_to_come() -> None:
    started = time.monotonic()

    slept = asyncio.run(reminders.wait_until(time.time() + 0.2))

    assert 0.15 < slept <= 0.2 and 0.15 < time.monotonic() - started < 0.5


def test_without_a_bench_phase_the_checks_do_not_wait(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(reminders.BENCH_PHASE_ENDS_AT, raising=False)
    started = time.monotonic()

    asyncio.run(reminders.wait_for_the_bench_phase())

    assert time.monotonic() - started < 0.1 and capsys.readouterr().out == ""


def test_beside_a_bench_phase_the_checks_wait_for_its_end_and_say_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(reminders.BENCH_PHASE_ENDS_AT, f"{time.time() + 0.2:.3f}")
    started = time.monotonic()

    asyncio.run(reminders.wait_for_the_bench_phase())

    assert time.monotonic() - started > 0.15
    assert capsys.readouterr().out == "waiting 0 s for the bench phase to end before the checks\n"

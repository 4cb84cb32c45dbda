"""`bench.py --pairs`: which phase is paired with which, and the verdict over every pair."""

from __future__ import annotations

import pairs
from procinfo import CpuByProcess
from recorder import Recorder
from results import PhaseResult

EXPECTED = {"accounts": 200, "meters": 200}


def phase(p99_ms: float, api_cpu_s: float, calls: int = 100) -> PhaseResult:
    """A measured paced phase whose slowest 1 % took `p99_ms`, its APIs spending `api_cpu_s`."""
    recorder = Recorder(EXPECTED)
    for index in range(calls):
        recorder.record("accounts" if index % 2 else "meters", 200, p99_ms if index >= calls - 2 else 10.0)
    recorder.close()
    cpu = CpuByProcess("marker", "run", {})
    cpu.groups = {"readings-api": api_cpu_s / 2, "gateway": api_cpu_s / 2, "other processes": 5.0}
    cpu.seconds = 60.0
    return PhaseResult("paced", recorder, cpu)


def test_the_pairs_alternate_which_half_runs_first() -> None:
    assert pairs.order(3) == [False, True, True, False, False, True]


def test_each_phase_is_paired_by_whether_the_command_ran_beside_it() -> None:
    results = [phase(40, 1.0), phase(44, 1.0), phase(90, 1.0), phase(60, 1.0)]  # A B, then B A

    first, second = pairs.pair_up(results, pairs.order(2))

    assert (pairs.p99_ms(first.without), pairs.p99_ms(first.beside)) == (40, 44)
    assert (pairs.p99_ms(second.without), pairs.p99_ms(second.beside)) == (60, 90)
    assert first.ratio == 1.1 and second.ratio == 1.5


def test_every_pair_counts_however_the_stacks_speed_moved_beside_the_command() -> None:
    """The stack slower per call beside the command is the command's interference as likely as
    the host's: the pair is shown with it, and counted."""
    steady_ok = [phase(40, 1.0), phase(44, 1.02)]  # +10 %, CPU per call 2 % more beside it
    slowed_beside = [phase(50, 1.3), phase(40, 1.0)]  # +25 %, the APIs 30 % slower beside it
    steady_bad = [phase(40, 1.0), phase(46, 1.0)]  # +15 %

    found = pairs.pair_up(steady_ok + slowed_beside + steady_bad, pairs.order(3))
    lines = pairs.summary(found, "reminders.py --run-only")

    assert [round(pair.speed_change, 2) for pair in found] == [0.02, 0.3, 0.0]
    assert lines[3].endswith("+30 %")
    assert lines[-1].startswith("PASS  median change of the paced p99 beside the command +15 % over the 3 pairs")


def test_the_verdict_fails_past_the_bar() -> None:
    over = pairs.pair_up([phase(40, 1.0), phase(50, 1.0)], pairs.order(1))

    assert pairs.summary(over, "cmd")[-1].startswith("FAIL  median change of the paced p99 beside the command +25 %")

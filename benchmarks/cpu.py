"""CPU time from Linux /proc: what each server spent, and what other jobs took meanwhile.

On a shared 2-core machine another job's burst halves a throughput figure; CPU time per
call hardly moves with it. The benchmark reports both, and repeats a measurement taken
during such a burst.
"""

from __future__ import annotations

import os
import resource
import time
from types import TracebackType

_TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def _busy_s() -> float:
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    # user, nice, system and steal (time another VM took from us); interrupt time is left
    # out, as the benchmark's own loopback traffic is most of it and no process owns it.
    user, nice, system, steal = fields[0], fields[1], fields[2], fields[7]
    return (user + nice + system + steal) * _TICK_S


def _process_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * _TICK_S  # utime + stime


def _own_s(pids: list[int]) -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # finished ones: the load tool
    return sum(_process_s(pid) for pid in pids) + children.ru_utime + children.ru_stime + time.process_time()


class CpuWatch:
    """While inside: CPU seconds of each of `pids`, and the percent of all CPUs used by
    processes other than those, the load tool and this one. None where /proc is missing."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.foreign_percent: float | None = None
        self.seconds: dict[int, float] = {}
        self._start: tuple[float, float, float, dict[int, float]] | None = None

    def __enter__(self) -> CpuWatch:
        try:
            self._start = (time.monotonic(), _busy_s(), _own_s(self.pids), self._per_pid())
        except OSError:
            self._start = None
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        if self._start is None:
            return
        began, busy, own, per_pid = self._start
        elapsed = time.monotonic() - began
        foreign = (_busy_s() - busy) - (_own_s(self.pids) - own)
        self.foreign_percent = max(foreign, 0.0) / (elapsed * (os.cpu_count() or 1)) * 100
        self.seconds = {pid: spent - per_pid[pid] for pid, spent in self._per_pid().items()}

    def _per_pid(self) -> dict[int, float]:
        return {pid: _process_s(pid) for pid in self.pids}

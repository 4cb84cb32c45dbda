"""The stack's processes seen from /proc: their names, peak resident memory (VmHWM), and where
the machine's CPU time went during a phase, by process (Linux only)."""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from lka_common.testing.stack import processes_with_marker

_TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def cmdline(pid: int) -> list[str]:
    try:
        return [part.decode(errors="replace") for part in _read(f"/proc/{pid}/cmdline").split(b"\0") if part]
    except OSError:
        return []


def stack_name(argv: list[str]) -> str:
    """`python -m lka_readings.entrypoints.api` -> `readings-api`; `python -m lka_gateway` -> `gateway`."""
    if "-m" in argv and argv.index("-m") + 1 < len(argv):
        module = argv[argv.index("-m") + 1]
        rest = argv[argv.index("-m") + 2 :]
        if module == "lka_devstack":
            return "lka-dev (supervisor)"
        parts = module.removeprefix("lka_").split(".")
        if len(parts) == 3 and parts[1] == "entrypoints":
            return f"{parts[0]}-{parts[2]}"
        name = parts[0].replace("_", "-")
        return f"{name} {' '.join(rest)}".strip() if name == "billing-simulator" else name
    return " ".join(argv)[:60]


def peak_memory_mib(pid: int) -> float | None:
    """VmHWM: the most resident memory the process has had since it started."""
    try:
        for line in _read(f"/proc/{pid}/status").decode().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass(frozen=True)
class StackProcess:
    pid: int
    name: str


def stack_processes(marker: str) -> list[StackProcess]:
    found = [StackProcess(pid, stack_name(cmdline(pid))) for pid in processes_with_marker(marker)]
    return sorted(found, key=lambda p: p.name)


def find(processes: list[StackProcess], name: str) -> int:
    for process in processes:
        if process.name == name:
            return process.pid
    raise LookupError(f"no stack process named {name!r}: {[p.name for p in processes]}")


def _cpu_s(pid: int) -> float | None:
    try:
        fields = _read(f"/proc/{pid}/stat").decode().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * _TICK_S


def _busy_s() -> float:
    fields = [int(v) for v in _read("/proc/stat").decode().split("\n", 1)[0].split()[1:]]
    # user, nice, system and steal; interrupt time is left out (as in cpu.py): the loopback
    # traffic of the benchmark is most of it, and no process owns it.
    return (fields[0] + fields[1] + fields[2] + fields[7]) * _TICK_S


class CpuByProcess:
    """CPU time of every process on the machine between `start()` and `stop()`, grouped: the
    stack's processes by name, PostgreSQL backends of this run's databases, the rest of
    PostgreSQL, RabbitMQ, Redis, PgBouncer, the floor, this client, and everything else."""

    def __init__(self, marker: str, run_tag: str, own: dict[int, str]) -> None:
        self.marker = marker
        self.run_tag = run_tag  # part of this run's database names
        self.own = own  # pid -> group for processes the benchmark started itself
        self._start: dict[int, float] = {}
        self._names: dict[int, str] = {}
        self._began = 0.0
        self._busy = 0.0
        self.groups: dict[str, float] = {}
        self.seconds = 0.0
        self.machine_busy_s = 0.0

    def _group(self, pid: int) -> str:
        if pid == os.getpid():
            return "bench client (this process)"
        if pid in self.own:
            return self.own[pid]
        try:
            environ = _read(f"/proc/{pid}/environ")
        except OSError:
            environ = b""
        argv = cmdline(pid)
        if f"LKA_E2E_MARKER={self.marker}".encode() in environ:
            return stack_name(argv)
        comm = Path(f"/proc/{pid}/comm").read_text().strip() if Path(f"/proc/{pid}/comm").exists() else ""
        line = " ".join(argv)
        if comm == "postgres" or line.startswith("postgres"):
            return "postgres: this run's databases" if self.run_tag in line else "postgres: other"
        if comm in ("beam.smp", "erl_child_setup", "epmd", "inet_gethost") or "rabbitmq" in line:
            return "rabbitmq"
        if comm == "redis-server":
            return "redis"
        if comm == "pgbouncer":
            return "pgbouncer"
        return "other processes"

    def _snapshot(self) -> dict[int, float]:
        out: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                spent = _cpu_s(int(entry))
                if spent is not None:
                    out[int(entry)] = spent
        return out

    def start(self) -> None:
        self._start = self._snapshot()
        self._names = {pid: self._group(pid) for pid in self._start}
        self._began = time.monotonic()
        self._busy = _busy_s()

    def stop(self) -> None:
        end = self._snapshot()
        self.seconds = time.monotonic() - self._began
        self.machine_busy_s = _busy_s() - self._busy
        groups: dict[str, float] = defaultdict(float)
        for pid, spent in end.items():
            name = self._names.get(pid) or self._group(pid)
            groups[name] += max(spent - self._start.get(pid, 0.0), 0.0)
        # Processes that ended during the phase are only in the machine's total.
        counted = sum(groups.values())
        if self.machine_busy_s > counted:
            groups["other processes"] += self.machine_busy_s - counted
        self.groups = dict(sorted(groups.items(), key=lambda item: -item[1]))

    def percent_of_core(self, group: str) -> float:
        return self.groups.get(group, 0.0) / self.seconds * 100 if self.seconds else 0.0

    def table(self, calls: int, min_percent: float = 1.0) -> list[str]:
        """Each group's share of one core, and its CPU time per call of the phase."""
        cores = os.cpu_count() or 1
        busy = self.machine_busy_s / self.seconds * 100
        lines = [f"  {'machine busy (of ' + str(cores * 100) + ' %)':<36}{busy:6.1f} %"]
        for name, spent in self.groups.items():
            percent = spent / self.seconds * 100
            if percent >= min_percent:
                per_call = f"{spent / calls * 1e6:8.0f} µs per call" if calls else ""
                lines.append(f"  {name:<36}{percent:6.1f} %{per_call}")
        return lines

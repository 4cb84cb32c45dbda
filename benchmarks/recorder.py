"""What `make bench` counts while a phase runs: latency and status per call kind, readings'
201s and their events, the progress line, and the client's own CPU time."""

from __future__ import annotations

import asyncio
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass, field


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list (nan when empty)."""
    if not sorted_values:
        return math.nan
    rank = max(math.ceil(share * len(sorted_values)), 1)
    return sorted_values[rank - 1]


@dataclass
class KindStats:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0


@dataclass(frozen=True)
class Row:
    """One line of a phase's table."""

    name: str
    requests: int
    per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int

    @classmethod
    def of(cls, name: str, latencies_ms: list[float], errors: int, seconds: float) -> Row:
        ordered = sorted(latencies_ms)
        return cls(
            name,
            len(ordered),
            len(ordered) / seconds if seconds else 0.0,
            percentile(ordered, 0.50),
            percentile(ordered, 0.95),
            percentile(ordered, 0.99),
            errors,
        )

    HEADER = f"{'call':<22}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}"

    def __str__(self) -> str:
        return (
            f"{self.name:<22}{self.requests:>10,}{self.per_s:>10.1f}{self.p50_ms:>10.1f}"
            f"{self.p95_ms:>10.1f}{self.p99_ms:>10.1f}{self.errors:>8}"
        )


class Recorder:
    """One measured window. Calls that end after `close()` are not counted: the window's
    figures are the calls that completed inside it."""

    def __init__(self, expected: dict[str, int]) -> None:
        self.expected = expected
        self.kinds: dict[str, KindStats] = {kind: KindStats() for kind in expected}
        self.requests = 0
        self.errors = 0
        self.unexpected: list[str] = []  # the first few error answers, for the report
        self.submitted: dict[str, float] = {}  # reading id -> when its 201 arrived (perf_counter)
        self.started = time.perf_counter()
        self.ended: float | None = None
        self._cpu_started = time.process_time()
        self.client_cpu_s = 0.0

    @property
    def open(self) -> bool:
        return self.ended is None

    def record(self, kind: str, status: int, latency_ms: float, detail: str = "") -> None:
        if self.ended is not None:
            return
        stats = self.kinds[kind]
        stats.latencies_ms.append(latency_ms)
        stats.statuses[status] += 1
        self.requests += 1
        if status != self.expected[kind]:
            stats.errors += 1
            self.errors += 1
            if len(self.unexpected) < 8:
                self.unexpected.append(f"{kind}: {status or 'no answer'} {detail[:300]}")

    def reading(self, reading_id: str, at: float) -> None:
        if self.ended is None:
            self.submitted[reading_id] = at

    def close(self) -> None:
        if self.ended is None:
            self.ended = time.perf_counter()
            self.client_cpu_s = time.process_time() - self._cpu_started

    @property
    def seconds(self) -> float:
        return (self.ended or time.perf_counter()) - self.started

    def rows(self) -> list[Row]:
        out = [Row.of(kind, s.latencies_ms, s.errors, self.seconds) for kind, s in self.kinds.items()]
        if len(self.kinds) > 1:
            every = [ms for s in self.kinds.values() for ms in s.latencies_ms]
            out.append(Row.of("all calls", every, self.errors, self.seconds))
        return out


class Progress:
    """One updating line a second (a line every 10 s when the output is not a terminal)."""

    def __init__(self, label: str, total_s: float, current: Recorder) -> None:
        self.label = label
        self.total_s = total_s
        self.current = current  # the phase swaps it at the end of the warm-up
        self.requests_before = 0  # calls of earlier recorders in this phase (the warm-up)
        self.errors_before = 0
        self._task: asyncio.Task[None] | None = None
        self._tty = sys.stdout.isatty()

    def swap(self, recorder: Recorder) -> None:
        self.requests_before += self.current.requests
        self.errors_before += self.current.errors
        self.current = recorder

    def _line(self, began: float, last_count: int, last_at: float) -> tuple[str, int, float]:
        now = time.perf_counter()
        count = self.requests_before + self.current.requests
        rps = (count - last_count) / max(now - last_at, 1e-9)
        errors = self.errors_before + self.current.errors
        text = (
            f"  {self.label:<16} {now - began:5.0f}/{self.total_s:.0f} s  requests {count:>8,}"
            f"  errors {errors:>4}  {rps:7.1f} req/s"
        )
        return text, count, now

    async def _run(self) -> None:
        began = last_at = time.perf_counter()
        last_count = 0
        tick = 0
        while True:
            await asyncio.sleep(1.0)
            tick += 1
            text, last_count_new, now = self._line(began, last_count, last_at)
            if self._tty:
                print("\r" + text, end="", flush=True)
                last_count, last_at = last_count_new, now
            elif tick % 10 == 0:
                print(text, flush=True)
                last_count, last_at = last_count_new, now

    def __enter__(self) -> Progress:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._tty:
            print("\r" + " " * 100 + "\r", end="", flush=True)

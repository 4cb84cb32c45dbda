"""What a benchmark phase measured, how it is printed, and issue 11's targets judged on a run."""

from __future__ import annotations

from dataclasses import dataclass, field

from procinfo import CpuByProcess
from recorder import Recorder, Row, percentile

TARGET_FLOOR_SHARE = 0.40
TARGET_P99_MS = 150.0
TARGET_EVENT_P99_MS = 500.0
TARGET_MEMORY_MIB = 250.0
# A single client process on 2 cores: past this share of one core it may be what limits.
CLIENT_BUSY_PERCENT = 70.0


@dataclass
class PhaseResult:
    title: str
    recorder: Recorder
    cpu: CpuByProcess
    profiles: dict[str, list[str]] = field(default_factory=dict)
    event_delays_ms: list[float] = field(default_factory=list)
    events_missing: int = 0
    watched_events: bool = False

    def rows(self) -> list[Row]:
        rows: list[Row] = self.recorder.rows()
        return rows

    def report(self) -> list[str]:
        r = self.recorder
        lines = [f"== {self.title} ({r.seconds:.1f} s measured) ==", Row.HEADER, *map(str, self.rows())]
        client = r.client_cpu_s / r.seconds * 100
        per_call = r.client_cpu_s / r.requests * 1e6 if r.requests else 0.0
        note = "  <- the client may be the limit" if client > CLIENT_BUSY_PERCENT else ""
        lines.append(f"load client CPU: {client:.0f} % of one core, {per_call:.0f} µs per call{note}")
        if self.watched_events:
            d = self.event_delays_ms
            lines.append(
                f"201 -> readings.reading.submitted.v1 on lka.events: {len(d)} events, "
                f"p50 {percentile(d, 0.5):.1f} ms, p99 {percentile(d, 0.99):.1f} ms, "
                f"max {max(d, default=float('nan')):.1f} ms, missing {self.events_missing}"
            )
        if r.unexpected:
            lines.append("first unexpected answers:")
            lines += [f"  {text}" for text in r.unexpected]
        lines.append("CPU by process while measured (% of one core, 1 % and more; CPU time per call):")
        lines += self.cpu.table(r.requests)
        for name, summary in self.profiles.items():
            lines.append(f"py-spy profile of {name}:")
            lines += summary
        return lines


def targets(results: list[PhaseResult], worst: float, subscribers: int, think_ms: float) -> list[str]:
    """PASS/FAIL per target. The p99 one is judged on the paced mix: back to back, 32 subscribers
    are a closed loop at saturation, whose mean latency is subscribers ÷ throughput whatever the
    code does (Little's law); that mix is printed beside it, as what the stack can serve."""
    floor, submit, mix, paced = results
    floor_rate = floor.recorder.requests / floor.recorder.seconds
    submit_rate = submit.recorder.requests / submit.recorder.seconds
    share = submit_rate / floor_rate if floor_rate else 0.0
    mix_all = next(row for row in mix.rows() if row.name == "all calls")
    paced_all = next(row for row in paced.rows() if row.name == "all calls")
    delays = sorted(submit.event_delays_ms + mix.event_delays_ms + paced.event_delays_ms)
    event_p99 = percentile(delays, 0.99)
    errors = sum(r.recorder.errors + r.events_missing for r in results)
    little_ms = subscribers / mix_all.per_s * 1000 if mix_all.per_s else float("nan")

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    return [
        "== targets (issue 11) ==",
        f"{verdict(share >= TARGET_FLOOR_SHARE)}  submit-reading through the gateway {submit_rate:.0f} req/s = "
        f"{share:.2f} of the floor's {floor_rate:.0f} req/s (target ≥ {TARGET_FLOOR_SHARE:.2f})",
        f"{verdict(paced_all.p99_ms < TARGET_P99_MS)}  p99 {paced_all.p99_ms:.0f} ms at {subscribers} concurrent "
        f"subscribers, each pausing {think_ms:g} ms after each call ({paced_all.per_s:.0f} req/s; "
        f"target < {TARGET_P99_MS:.0f} ms)",
        f"info  back to back the same {subscribers} serve {mix_all.per_s:.0f} req/s at p99 {mix_all.p99_ms:.0f} ms "
        f"(saturated: by Little's law a call's mean time is {subscribers} ÷ {mix_all.per_s:.0f} req/s = "
        f"{little_ms:.0f} ms; not a target)",
        f"{verdict(event_p99 < TARGET_EVENT_P99_MS)}  reading-to-event p99 {event_p99:.0f} ms "
        f"over {len(delays)} readings (target < {TARGET_EVENT_P99_MS:.0f} ms)",
        f"{verdict(errors == 0)}  errors {errors} (unexpected answers in all phases, and events missing)",
        f"{verdict(worst < TARGET_MEMORY_MIB)}  peak resident memory of the worst service process {worst:.0f} MiB "
        f"(target < {TARGET_MEMORY_MIB:.0f} MiB)",
    ]

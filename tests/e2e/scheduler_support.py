"""Scheduler workers of a test's own (test_autopay.py, test_reminders.py): a service's consumer
started in the environment the stack gave its own, with the scheduler on, the jobs' clock at noon
of a day in Crimea, a 1 s lease and a schedule that never fires while the test runs, so each
worker makes exactly one run, the one at its start. The stack's own consumer schedules nothing
(lka_common.testing.stack)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from lka_common.scheduler.clock import LOCAL_TIME
from lka_common.testing.processes import ServiceProcess, free_port
from lka_common.testing.stack import Stack

NEVER = "0 3 1 1 *"  # a crontab line that does not fire while a test runs


@dataclass
class Workers:
    """`service` ("payments", "readings"): its consumer module and settings' prefix; `schedule`:
    the setting that times the job under test; `pause_point`: where `pause_s` holds each step;
    `settings`: the service's own for every worker (`reminder_batch="2"` is
    `LKA_READINGS_REMINDER_BATCH=2`)."""

    stack: Stack
    service: str
    schedule: str
    pause_point: str
    settings: dict[str, str] = field(default_factory=dict)
    started: list[ServiceProcess] = field(default_factory=list)

    @property
    def module(self) -> str:
        return f"lka_{self.service}.entrypoints.consumer"

    def start(self, day: date, pause_s: float | None = None, **settings: str) -> ServiceProcess:
        """A consumer whose jobs' clock is at noon of `day`; `settings` beside the workers' own."""
        pid = self.stack.pid(self.module)
        assert pid is not None, f"the stack's {self.service} consumer is not running"
        raw = Path(f"/proc/{pid}/environ").read_bytes().decode()
        env = dict(item.split("=", 1) for item in raw.split("\0") if "=" in item)
        noon = datetime.combine(day, time(12), LOCAL_TIME)
        prefix = f"LKA_{self.service.upper()}_"
        env |= {
            "LKA_E2E_MARKER": uuid.uuid4().hex,  # not the stack's: stack.pid() keeps finding its own
            "LKA_LOG_FORMAT": "json",
            f"{prefix}CONSUMER_HEALTH_PORT": str(free_port()),
            f"{prefix}SCHEDULER_ENABLED": "true",
            f"{prefix}SCHEDULER_LEASE_S": "1",
            f"{prefix}{self.schedule.upper()}": NEVER,
            f"{prefix}CLOCK_OFFSET_S": str((noon - datetime.now(UTC)).total_seconds()),
        } | {f"{prefix}{name.upper()}": value for name, value in (self.settings | settings).items()}
        if pause_s is not None:
            env["LKA_FAULT_PAUSE"] = f"{self.pause_point}:{pause_s}"
        worker = ServiceProcess.module(f"{self.service}-worker-{len(self.started) + 1}", self.module, env).start()
        self.started.append(worker)
        return worker

    def close(self) -> None:
        for worker in self.started:
            worker.cleanup()


async def run_ended(worker: ServiceProcess, job: str) -> dict[str, Any]:
    """The worker's run of `job` to its end (or refused: another runner holds the lease); then stopped."""
    ended = {"job_run_ended", "job_lease_held_elsewhere"}
    record = await worker.wait_for_log(lambda r: r.get("event") in ended and r.get("job") == job, timeout=60)
    await asyncio.to_thread(worker.stop)
    return record


def logged(worker: ServiceProcess, event: str) -> list[dict[str, Any]]:
    return [r for r in worker.records() if r.get("event") == event]

"""Where things are, and which processes make up the stack (ports per CONTRACT §1)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path


def repo_root() -> Path:
    start = Path(os.environ.get("LKA_ROOT", Path.cwd())).resolve()
    for candidate in (start, *start.parents, *Path(__file__).resolve().parents):
        if (candidate / "constraints.txt").exists() and (candidate / "services").is_dir():
            return candidate
    raise SystemExit("Не найден корень репозитория ЛКА (нет constraints.txt и services/)")


@dataclass(frozen=True)
class Service:
    name: str
    api_port: int

    @property
    def package(self) -> str:
        return f"lka_{self.name}"

    @property
    def consumer_health_port(self) -> int:
        return self.api_port + 100

    @property
    def relay_health_port(self) -> int:
        return self.api_port + 200

    def directory(self, root: Path) -> Path:
        return root / "services" / self.name


SERVICES = [
    Service("identity", 8001),
    Service("accounts", 8002),
    Service("readings", 8003),
    Service("payments", 8004),
    Service("notifications", 8005),
]
GATEWAY_PORT = 8000
MAIL_SMTP_PORT = 1025
MAIL_HTTP_PORT = 8025


@dataclass(frozen=True)
class Process:
    name: str
    argv: list[str]
    ready_url: str | None = None
    env: dict[str, str] = field(default_factory=dict)


def stack_processes() -> list[Process]:
    py = sys.executable
    processes = [
        Process(
            "mailcatcher",
            [py, "-m", "lka_mailcatcher"],
            f"http://127.0.0.1:{MAIL_HTTP_PORT}/healthz",
        )
    ]
    for svc in SERVICES:
        processes += [
            Process(
                f"{svc.name}-api",
                [py, "-m", f"{svc.package}.entrypoints.api"],
                f"http://127.0.0.1:{svc.api_port}/readyz",
            ),
            Process(
                f"{svc.name}-consumer",
                [py, "-m", f"{svc.package}.entrypoints.consumer"],
                f"http://127.0.0.1:{svc.consumer_health_port}/readyz",
            ),
            Process(
                f"{svc.name}-relay",
                [py, "-m", f"{svc.package}.entrypoints.relay"],
                f"http://127.0.0.1:{svc.relay_health_port}/readyz",
            ),
        ]
    processes.append(Process("gateway", [py, "-m", "lka_gateway"], f"http://127.0.0.1:{GATEWAY_PORT}/healthz"))
    return processes

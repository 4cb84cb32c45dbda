"""Where things are, and which processes make up the stack (ports per docs/contract.md §1)."""

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
    base_port: int

    @property
    def api_port(self) -> int:
        return self.base_port + port_offset()

    @property
    def package(self) -> str:
        return f"lka_{self.name}"

    @property
    def consumer_health_port(self) -> int:
        return self.api_port + 100

    @property
    def has_consumer(self) -> bool:
        """A service that consumes no event has no consumer module (tools/check_template.py)."""
        return (self.directory(repo_root()) / "src" / self.package / "entrypoints" / "consumer.py").exists()

    @property
    def relay_health_port(self) -> int:
        return self.api_port + 200

    def directory(self, root: Path) -> Path:
        return root / "services" / self.name


# The confirmed demo subscriber `make run` creates (docs/contract.md §1 demo data; README lists it).
DEMO_EMAIL = "abonent@example.ru"
DEMO_PASSWORD = "Абонент-Демо-2026"  # noqa: S105 - a published demo login, not a secret


def port_offset() -> int:
    """`LKA_DEV_PORT_OFFSET` moves every port, so a second stack can run beside `make run`."""
    return int(os.environ.get("LKA_DEV_PORT_OFFSET", "0"))


SERVICES = [
    Service("identity", 8001),
    Service("accounts", 8002),
    Service("readings", 8003),
    Service("payments", 8004),
    Service("notifications", 8005),
]


def gateway_port() -> int:
    return 8000 + port_offset()


def gateway_metrics_port() -> int:
    """The gateway's `/metrics`, never on its public port (lka_gateway.metrics_listener)."""
    return 8100 + port_offset()


def mail_smtp_port() -> int:
    return 1025 + port_offset()


def mail_http_port() -> int:
    return 8025 + port_offset()


def acquirer_emulator_port() -> int:
    return 8090 + port_offset()


def billing_simulator_health_port() -> int:
    return 8095 + port_offset()


def stack_env() -> dict[str, str]:
    """The settings every child gets, so all ports agree with each other (docs/operations.md)."""
    env = {
        "LKA_MAILCATCHER_SMTP_PORT": str(mail_smtp_port()),
        "LKA_MAILCATCHER_HTTP_PORT": str(mail_http_port()),
        "LKA_NOTIFICATIONS_SMTP_PORT": str(mail_smtp_port()),
        "LKA_GATEWAY_PORT": str(gateway_port()),
        "LKA_GATEWAY_METRICS_PORT": str(gateway_metrics_port()),
        "LKA_ACQUIRER_EMULATOR_PORT": str(acquirer_emulator_port()),
        "LKA_PAYMENTS_RBS_BASE_URL": f"http://127.0.0.1:{acquirer_emulator_port()}",
        "LKA_PUBLIC_BASE_URL": os.environ.get("LKA_PUBLIC_BASE_URL", f"http://127.0.0.1:{gateway_port()}"),
        # Built by `make run` / `make test` (the Makefile's web target) before the stack starts.
        "LKA_GATEWAY_WEB_DIR": str(repo_root() / "web" / "dist"),
    }
    identity = next(svc for svc in SERVICES if svc.name == "identity")
    jwks_url = f"http://127.0.0.1:{identity.api_port}/api/v1/.well-known/jwks.json"
    # Each API process's revocation feed loads identity's list from here (lka_common.revocations).
    revocations_url = f"http://127.0.0.1:{identity.api_port}/api/v1/internal/revocations"
    env["LKA_GATEWAY_JWKS_URL"] = jwks_url
    for svc in SERVICES:
        prefix = f"LKA_{svc.name.upper()}_"
        env[prefix + "JWKS_URL"] = jwks_url
        env[prefix + "REVOCATIONS_URL"] = revocations_url
        env[prefix + "HTTP_PORT"] = str(svc.api_port)
        if svc.has_consumer:
            env[prefix + "CONSUMER_HEALTH_PORT"] = str(svc.consumer_health_port)
        env[prefix + "RELAY_HEALTH_PORT"] = str(svc.relay_health_port)
        env[f"LKA_GATEWAY_{svc.name.upper()}_URL"] = f"http://127.0.0.1:{svc.api_port}"
    return env


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
            f"http://127.0.0.1:{mail_http_port()}/healthz",
        ),
        # The bank, emulated (docs/acquiring.md): before payments, which registers orders there.
        Process(
            "acquirer-emulator",
            [py, "-m", "lka_acquirer_emulator"],
            f"http://127.0.0.1:{acquirer_emulator_port()}/healthz",
        ),
    ]
    for svc in SERVICES:
        processes.append(
            Process(
                f"{svc.name}-api",
                [py, "-m", f"{svc.package}.entrypoints.api"],
                f"http://127.0.0.1:{svc.api_port}/readyz",
            )
        )
        if svc.has_consumer:
            processes.append(
                Process(
                    f"{svc.name}-consumer",
                    [py, "-m", f"{svc.package}.entrypoints.consumer"],
                    f"http://127.0.0.1:{svc.consumer_health_port}/readyz",
                )
            )
        processes.append(
            Process(
                f"{svc.name}-relay",
                [py, "-m", f"{svc.package}.entrypoints.relay"],
                f"http://127.0.0.1:{svc.relay_health_port}/readyz",
            )
        )
    simulator_port = billing_simulator_health_port()
    processes.append(
        Process(
            "billing-simulator",
            [py, "-m", "lka_billing_simulator", "run"],
            f"http://127.0.0.1:{simulator_port}/readyz",
            {"LKA_BILLING_SIMULATOR_HEALTH_PORT": str(simulator_port)},
        )
    )
    processes.append(Process("gateway", [py, "-m", "lka_gateway"], f"http://127.0.0.1:{gateway_port()}/healthz"))
    return processes

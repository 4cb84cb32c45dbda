"""Settings of the billing simulator, read from `LKA_BILLING_SIMULATOR_*` environment variables.

A plain `BaseSettings` rather than `lka_common.settings.ServiceSettings`: the simulator stands
for an outside system and has no database; only the broker address is shared with the stack
(`LKA_AMQP_URL`).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lka_common.settings import DEFAULT_AMQP_URL, shared_env


class SimulatorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LKA_BILLING_SIMULATOR_", extra="ignore")

    amqp_url: str = Field(default_factory=lambda: shared_env("AMQP_URL", DEFAULT_AMQP_URL))
    # Real billing takes 1-3 working days (the manual); a demo wants to see the answer come.
    answer_delay_s: float = Field(default=5.0, ge=0)
    # Where the ledger of registered payments lives, so balances survive a restart.
    state_dir: Path = Path("var/billing-simulator")
    queue: str = "billing_simulator.portal"
    prefetch: int = Field(default=20, ge=1)
    delivery_limit: int = Field(default=5, ge=1)
    # Issue the bills of the month just ended at start and when a month begins (bills.py);
    # how often to look whether one has.
    bills_every_month: bool = True
    bill_check_interval_s: float = Field(default=3600.0, gt=0)
    host: str = "127.0.0.1"
    # Probes (/healthz, /readyz, /metrics); 0: none.
    health_port: int = Field(default=8095, ge=0, le=65535)
    log_level: str = "INFO"

    @property
    def ledger_path(self) -> Path:
        """One ledger per broker vhost: a test stack on a vhost of its own never mixes with `make run`."""
        vhost = unquote(urlsplit(self.amqp_url).path.lstrip("/")) or "default"
        return self.state_dir / f"ledger-{re.sub(r'[^A-Za-z0-9_.-]', '_', vhost)}.json"

"""`python -m lka_billing_simulator [run|load]` (console script `lka-billing-simulator`).

- `run` (the default): play billing for the demo accounts until SIGTERM/SIGINT, with probes on
  `LKA_BILLING_SIMULATOR_HEALTH_PORT` (8095).
- `load`: publish the demo accounts, meters and last payments once, and exit. `make run` does
  it once the services' consumers are listening; running it again changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio

from lka_billing_simulator.load import load_demo_data
from lka_billing_simulator.service import BillingSimulator
from lka_billing_simulator.settings import SimulatorSettings
from lka_common.logging import configure_logging
from lka_common.worker import run_worker


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lka-billing-simulator", description="Симулятор биллинга для ЛКА")
    parser.add_argument("command", nargs="?", choices=["run", "load"], default="run")
    args = parser.parse_args(argv)
    settings = SimulatorSettings()
    if args.command == "load":
        configure_logging("billing-simulator", settings.log_level)
        asyncio.run(load_demo_data(settings.amqp_url))
        return
    simulator = BillingSimulator(settings)
    run_worker(
        "billing-simulator", settings.log_level, simulator.run, simulator.ready, settings.host, settings.health_port
    )


if __name__ == "__main__":
    main()

"""`python -m lka_billing_simulator [run|load]` (console script `lka-billing-simulator`).

- `run` (the default): play billing for the demo accounts until SIGTERM/SIGINT, with probes on
  `LKA_BILLING_SIMULATOR_HEALTH_PORT` (8095).
- `load`: publish the tariffs and the demo accounts, meters and last payments once, and exit.
  `make run` does it once the services' consumers are listening; running it again changes nothing.
- `bill [--period YYYY-MM] [--account NUMBER …]`: issue the demo accounts' bills for a month now
  (by default the month just ended, every demo account), and exit.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from datetime import datetime

from lka_billing_simulator.bills import previous_period
from lka_billing_simulator.events import SUPPLIER_TIME_ZONE
from lka_billing_simulator.ledger import Ledger
from lka_billing_simulator.load import issue_bills, load_demo_data
from lka_billing_simulator.service import BillingSimulator
from lka_billing_simulator.settings import SimulatorSettings
from lka_common.logging import configure_logging
from lka_common.worker import run_worker


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lka-billing-simulator", description="Симулятор биллинга для ЛКА")
    parser.add_argument("command", nargs="?", choices=["run", "load", "bill"], default="run")
    parser.add_argument("--period", type=_period, help="bill: the month, YYYY-MM (default: the month just ended)")
    parser.add_argument("--account", action="append", default=[], help="bill: only this account number (repeatable)")
    args = parser.parse_args(argv)
    settings = SimulatorSettings()
    if args.command == "load":
        configure_logging("billing-simulator", settings.log_level)
        asyncio.run(load_demo_data(settings.amqp_url))
        return
    if args.command == "bill":
        configure_logging("billing-simulator", settings.log_level)
        period = args.period or previous_period(datetime.now(SUPPLIER_TIME_ZONE).date())
        asyncio.run(issue_bills(settings.amqp_url, period, Ledger(settings.ledger_path), args.account))
        return
    simulator = BillingSimulator(settings)
    run_worker(
        "billing-simulator", settings.log_level, simulator.run, simulator.ready, settings.host, settings.health_port
    )


def _period(text: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError("месяц в виде ГГГГ-ММ, например 2026-11")
    return text


if __name__ == "__main__":
    main()

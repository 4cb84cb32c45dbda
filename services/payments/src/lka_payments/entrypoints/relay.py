"""The payments outbox relay process: `python -m lka_payments.entrypoints.relay`."""

from lka_common.entrypoints import run_relay
from lka_payments.settings import PaymentsSettings


def main() -> None:
    run_relay(PaymentsSettings())


if __name__ == "__main__":
    main()

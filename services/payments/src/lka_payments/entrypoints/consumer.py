"""The payments consumer process: `python -m lka_payments.entrypoints.consumer`."""

from lka_common.entrypoints import run_consumer
from lka_payments.bootstrap import subscriptions
from lka_payments.settings import PaymentsSettings


def main() -> None:
    settings = PaymentsSettings()
    run_consumer(settings, lambda: subscriptions(settings))


if __name__ == "__main__":
    main()

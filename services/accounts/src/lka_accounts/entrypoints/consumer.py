"""The accounts consumer process: `python -m lka_accounts.entrypoints.consumer`."""

from lka_accounts.bootstrap import subscriptions
from lka_accounts.settings import AccountsSettings
from lka_common.entrypoints import run_consumer


def main() -> None:
    settings = AccountsSettings()
    run_consumer(settings, lambda: subscriptions(settings))


if __name__ == "__main__":
    main()

"""The accounts outbox relay process: `python -m lka_accounts.entrypoints.relay`."""

from lka_accounts.settings import AccountsSettings
from lka_common.entrypoints import run_relay


def main() -> None:
    run_relay(AccountsSettings())


if __name__ == "__main__":
    main()

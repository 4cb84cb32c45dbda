"""The identity outbox relay process: `python -m lka_identity.entrypoints.relay`."""

from lka_common.entrypoints import run_relay
from lka_identity.settings import IdentitySettings


def main() -> None:
    run_relay(IdentitySettings())


if __name__ == "__main__":
    main()

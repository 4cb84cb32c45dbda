"""The identity consumer process: `python -m lka_identity.entrypoints.consumer`."""

from lka_common.entrypoints import run_consumer
from lka_identity.bootstrap import subscriptions
from lka_identity.settings import IdentitySettings


def main() -> None:
    settings = IdentitySettings()
    run_consumer(settings, lambda: subscriptions(settings))


if __name__ == "__main__":
    main()

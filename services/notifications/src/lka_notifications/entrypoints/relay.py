"""The notifications outbox relay process: `python -m lka_notifications.entrypoints.relay`."""

from lka_common.entrypoints import run_relay
from lka_notifications.settings import NotificationsSettings


def main() -> None:
    run_relay(NotificationsSettings())


if __name__ == "__main__":
    main()

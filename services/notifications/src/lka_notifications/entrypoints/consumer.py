"""The notifications consumer process: `python -m lka_notifications.entrypoints.consumer`."""

from lka_common.entrypoints import run_consumer
from lka_notifications.bootstrap import subscriptions
from lka_notifications.settings import NotificationsSettings


def main() -> None:
    settings = NotificationsSettings()
    run_consumer(settings, lambda: subscriptions(settings))


if __name__ == "__main__":
    main()

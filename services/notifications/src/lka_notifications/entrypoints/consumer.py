"""The notifications consumer process: `python -m lka_notifications.entrypoints.consumer`, its
subscriptions and, beside them, the reminder senders (bootstrap.reminder_senders)."""

from lka_common.entrypoints import run_consumer
from lka_notifications.bootstrap import reminder_senders, subscriptions
from lka_notifications.settings import NotificationsSettings


def main() -> None:
    settings = NotificationsSettings()
    run_consumer(settings, lambda: subscriptions(settings), beside=reminder_senders(settings))


if __name__ == "__main__":
    main()

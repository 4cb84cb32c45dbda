"""Settings of the notifications service (env prefix `LKA_NOTIFICATIONS_`)."""

from __future__ import annotations

from pydantic import SecretStr

from lka_common.settings import ServiceSettings
from lka_common.unsubscribe import unsubscribe_secret_field


class NotificationsSettings(ServiceSettings):
    service_name = "notifications"

    http_port: int = 8005
    consumer_health_port: int = 8105
    relay_health_port: int = 8205

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_use_tls: bool = False
    smtp_timeout_s: float = 10.0
    mail_from: str = "ЛКА ГУП РК «Крымэнерго» <noreply@lk.crimea-energy.ru>"
    supplier_name: str = "ГУП РК «Крымэнерго»"
    feedback_mailbox: str = "feedback@crimea-energy.ru"
    # Against mail bombing: letters a stranger can cause (the capped ones of the letter policy,
    # domain/letters.py) to one address per hour; letters a person needs are never capped.
    letters_per_recipient_per_hour: int = 10
    # A letter whose SMTP sends keep failing goes to the dead-letter queue after this many
    # attempts (the consumer backs off up to 30 s between attempts: about ten minutes in all).
    letter_max_attempts: int = 25
    # A scheduled run's reminders (`SendReminders`) are kept in `reminders_due` and sent one by one
    # beside the consumer's handlers by this many loops (service_layer/reminder_sender.py). Each
    # holds one of the consumer's pool connections while it sends a letter, so no more run than
    # DB_CONSUMER_POOL_SIZE − 1 (one at least): a transactional letter always finds a connection.
    reminder_senders: int = 2
    # A reminder whose attempt failed waits this long, doubled for each earlier failure, at most
    # the longest; after LETTER_MAX_ATTEMPTS attempts it is dropped (logged `failed`).
    reminder_retry_first_s: float = 5.0
    reminder_retry_max_s: float = 600.0
    # The gauges of the reminders waiting in `reminders_due` (lka_reminders_waiting,
    # lka_reminders_oldest_seconds) are read from the table this often, one query per process.
    reminder_metrics_interval_s: float = 15.0
    # Signs the one-click unsubscribe links of reminders; identity checks them with the same secret.
    unsubscribe_secret: SecretStr = unsubscribe_secret_field()
    # Feedback messages per client address per hour (docs/contract.md §2 limits).
    feedback_per_client_per_hour: int = 5
    # The body of a form with files (an appeal, a message): 3 files of 5 MiB, the text and the
    # multipart framing. Each file's own 5 MiB is checked as it streams (entrypoints/uploads.py).
    upload_max_body_bytes: int = 16 * 1024 * 1024

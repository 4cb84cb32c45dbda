from lka_common.migrations import run_env
from lka_notifications.adapters.tables import metadata
from lka_notifications.settings import NotificationsSettings

run_env(metadata, NotificationsSettings().database_url)

from lka_common.migrations import run_env
from lka_payments.adapters.tables import metadata
from lka_payments.settings import PaymentsSettings

run_env(metadata, PaymentsSettings().database_url)

from lka_common.migrations import run_env
from lka_accounts.adapters.tables import metadata
from lka_accounts.settings import AccountsSettings

run_env(metadata, AccountsSettings().database_url)

from lka_accounts.adapters.tables import metadata
from lka_accounts.settings import AccountsSettings
from lka_common.migrations import run_env

run_env(metadata, AccountsSettings().database_url)

from lka_common.migrations import run_env
from lka_identity.adapters.tables import metadata
from lka_identity.settings import IdentitySettings

run_env(metadata, IdentitySettings().database_url)

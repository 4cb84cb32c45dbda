from lka_common.migrations import run_env
from lka_readings.adapters.tables import metadata
from lka_readings.settings import ReadingsSettings

run_env(metadata, ReadingsSettings().database_url)

"""The readings consumer process: `python -m lka_readings.entrypoints.consumer`."""

from lka_common.entrypoints import run_consumer
from lka_readings.bootstrap import subscriptions
from lka_readings.settings import ReadingsSettings


def main() -> None:
    settings = ReadingsSettings()
    run_consumer(settings, lambda: subscriptions(settings))


if __name__ == "__main__":
    main()

"""The readings outbox relay process: `python -m lka_readings.entrypoints.relay`."""

from lka_common.entrypoints import run_relay
from lka_readings.settings import ReadingsSettings


def main() -> None:
    run_relay(ReadingsSettings())


if __name__ == "__main__":
    main()

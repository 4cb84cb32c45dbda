"""The readings API process: `python -m lka_readings.entrypoints.api`."""

from lka_common.web import serve_api
from lka_readings.bootstrap import build_app
from lka_readings.settings import ReadingsSettings


def main() -> None:
    settings = ReadingsSettings()
    serve_api(build_app(settings), settings)


if __name__ == "__main__":
    main()

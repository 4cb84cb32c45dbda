"""The notifications API process: `python -m lka_notifications.entrypoints.api`."""

from lka_common.web import serve_api
from lka_notifications.bootstrap import build_app
from lka_notifications.settings import NotificationsSettings


def main() -> None:
    settings = NotificationsSettings()
    serve_api(build_app(settings), settings)


if __name__ == "__main__":
    main()

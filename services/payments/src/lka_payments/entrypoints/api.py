"""The payments API process: `python -m lka_payments.entrypoints.api`."""

from lka_common.web import serve_api
from lka_payments.bootstrap import build_app
from lka_payments.settings import PaymentsSettings


def main() -> None:
    settings = PaymentsSettings()
    serve_api(build_app(settings), settings)


if __name__ == "__main__":
    main()

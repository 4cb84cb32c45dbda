"""The accounts API process: `python -m lka_accounts.entrypoints.api`."""

from lka_accounts.bootstrap import build_app
from lka_accounts.settings import AccountsSettings
from lka_common.web import serve_api


def main() -> None:
    settings = AccountsSettings()
    serve_api(build_app(settings), settings)


if __name__ == "__main__":
    main()

"""The identity API process: `python -m lka_identity.entrypoints.api`."""

from lka_common.web import serve_api
from lka_identity.bootstrap import build_app
from lka_identity.settings import IdentitySettings


def main() -> None:
    settings = IdentitySettings()
    serve_api(build_app(settings), settings)


if __name__ == "__main__":
    main()

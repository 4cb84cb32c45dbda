"""The gateway process: `lka-gateway` or `python -m lka_gateway`."""

from __future__ import annotations

import logging
from typing import Any

import uvicorn

from lka_common import heap
from lka_common.logging import configure_logging
from lka_common.tracing import configure_tracing
from lka_gateway.app import create_app
from lka_gateway.settings import GatewaySettings

# The same server options as every service (lka_common.web.serve_api): httptools for speed,
# no access log (the request middleware logs each call once). Shared with the tests, so
# they run the gateway as production does.
SERVER_OPTIONS: dict[str, Any] = {
    "http": "httptools",
    "access_log": False,
    "log_config": None,
    "server_header": False,
    # Whose X-Forwarded-For to believe is decided by lka_common.client_address from the real
    # peer and LKA_TRUSTED_PROXIES; uvicorn's default would trust a loopback peer's header
    # itself and put whatever it said, `<script>` included, in place of the peer.
    "proxy_headers": False,
}


def configure_gateway_logging(settings: GatewaySettings) -> None:
    configure_logging("gateway", settings.log_level)
    # The shared request middleware writes its line per call, at INFO, through its module's
    # logger and nothing else; the gateway's failure warnings come from its own loggers.
    level = logging.NOTSET if settings.log_each_call else logging.WARNING
    logging.getLogger("lka_common.web").setLevel(level)


def main() -> None:
    settings = GatewaySettings()
    configure_gateway_logging(settings)
    configure_tracing("gateway")
    app = create_app(settings)
    heap.settle()
    uvicorn.run(app, host=settings.host, port=settings.port, loop="uvloop", **SERVER_OPTIONS)


if __name__ == "__main__":
    main()

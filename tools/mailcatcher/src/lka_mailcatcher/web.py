"""The HTTP side: the JSON API that tests and developers read letters through, and the page.

Routes: `GET /api/messages`, `DELETE /api/messages`, `GET /healthz` (the devstack waits on
it before starting the services) and `GET /`.
"""

from __future__ import annotations

import json
from functools import partial

from aiohttp import web

from lka_mailcatcher.page import render_page
from lka_mailcatcher.store import LetterStore

STORE_KEY = web.AppKey("store", LetterStore)
# Cyrillic as is, so `curl .../api/messages` stays readable in a terminal.
_dumps = partial(json.dumps, ensure_ascii=False)


def build_app(store: LetterStore) -> web.Application:
    app = web.Application()
    app[STORE_KEY] = store
    app.router.add_get("/api/messages", list_messages)
    app.router.add_delete("/api/messages", clear_messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/", index)
    return app


async def list_messages(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    return web.json_response([letter.as_json() for letter in store], dumps=_dumps)


async def clear_messages(request: web.Request) -> web.Response:
    request.app[STORE_KEY].clear()
    return web.Response(status=204)


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def index(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    page = render_page(store)
    return web.Response(text=page, content_type="text/html", charset="utf-8")

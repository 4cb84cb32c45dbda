"""The built web front end (web/dist), served at `/` (docs/contract.md §2 "web front end routes").

The whole build is read into memory when the gateway starts (a few hundred kilobytes), each
file with a gzip copy made once and a strong ETag, so a page costs no disk access and no
compression per call. Vite names every file under `assets/` by its content's hash, so those
are cached by browsers for a year; `index.html` and the other top-level files are revalidated
on every visit (`no-cache` + ETag), so a new release reaches the browser at once.

A path that is not a file answers the app's `index.html`: with 200 on the app's own routes
(the single-page app draws them), with 404 on any other path (the app then shows «Страница
не найдена», and a crawler or monitor sees the truth in the status).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import structlog
from starlette.types import Receive, Scope, Send

from lka_common.problems import Problem

log = structlog.get_logger(__name__)

INDEX = "index.html"
# The routes of docs/contract.md §2 that the single-page app draws itself.
APP_ROUTES = re.compile(
    r"^/(?:|register|confirm-email|confirm-email-change|password/forgot|password/reset|accounts|payments|payments/[^/]+/result|payments/baskets/[^/]+/result"
    r"|readings|readings/public|bills|bills/[^/]+/[^/]+|appeals|appeals/[^/]+|profile|feedback|operator(?:/.*)?|staff/accept|unsubscribe)/?$"
)
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"
# Below this a gzip copy saves less than its header costs.
GZIP_MIN_BYTES = 1024
NOT_BUILT = "Веб-интерфейс не собран: выполните make run или npm run build в каталоге web"


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    content_type: bytes
    etag: bytes
    cache_control: bytes


def _content_type(name: str) -> bytes:
    guessed, _ = mimetypes.guess_type(name)
    kind = guessed or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "application/json", "image/svg+xml"):
        kind += "; charset=utf-8"
    return kind.encode()


def load_assets(root: Path) -> dict[str, Asset]:
    """Every file under `root` by its URL path ("/index.html", "/assets/app-1a2b.js")."""
    assets: dict[str, Asset] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        relative = PurePosixPath(path.relative_to(root).as_posix())
        body = path.read_bytes()
        packed = gzip.compress(body, compresslevel=9, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
        assets["/" + str(relative)] = Asset(
            body=body,
            gzipped=packed if packed is not None and len(packed) < len(body) else None,
            content_type=_content_type(relative.name),
            etag=b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"',
            cache_control=IMMUTABLE if relative.parts[0] == "assets" else REVALIDATE,
        )
    return assets


class WebApp:
    """Plain ASGI: GET and HEAD of the built files; the lifespan is the site app's."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.assets: dict[str, Asset] = {}

    def load(self) -> None:
        if (self.root / INDEX).is_file():
            self.assets = load_assets(self.root)
            log.info("web_loaded", root=str(self.root), files=len(self.assets))
        else:
            # The API works without the pages; say once why `/` will not.
            log.warning("web_not_built", root=str(self.root))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            await Problem(405, headers={"Allow": "GET, HEAD"}).response()(scope, receive, send)
            return
        path: str = scope["path"]
        # A dictionary lookup, never a file system path: `..` or a symlink cannot lead out.
        asset, status = self.assets.get(path), 200
        if asset is None:
            asset, status = self.assets.get("/" + INDEX), 200 if APP_ROUTES.match(path) else 404
        if asset is None:
            problem = Problem(503, "web_not_built", NOT_BUILT) if status == 200 else Problem(404)
            await problem.response()(scope, receive, send)
            return
        await self._send(asset, status, scope, send)

    @staticmethod
    async def _send(asset: Asset, status: int, scope: Scope, send: Send) -> None:
        request = dict(scope["headers"])
        headers = [
            (b"content-type", asset.content_type),
            (b"cache-control", asset.cache_control),
            (b"etag", asset.etag),
            (b"vary", b"Accept-Encoding"),
        ]
        if status == 200 and request.get(b"if-none-match") == asset.etag:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        body = asset.body
        if asset.gzipped is not None and b"gzip" in request.get(b"accept-encoding", b""):
            body = asset.gzipped
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

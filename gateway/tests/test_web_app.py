"""The web front end served at `/` (issue 8 "Static web", docs/contract.md §2 web routes): the app's
routes answer its page, its hashed assets are cached for good and compressed, everything
else is 404, and the API's own paths are untouched by it."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

INDEX = '<!doctype html><html lang="ru"><head><script type="module" src="/assets/app-1a2b.js"></script></head></html>'
SCRIPT = "console.log('ЛКА');\n" * 200  # large enough to be worth compressing


@pytest.fixture(scope="module")
def web_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dist")
    (root / "assets").mkdir()
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "app-1a2b.js").write_text(SCRIPT)
    (root / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return root


@pytest.fixture(scope="module")
async def site(gateway_with: Any, web_dir: Path) -> AsyncIterator[str]:
    async with gateway_with(web_dir=str(web_dir)) as base_url:
        yield base_url


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/register",
        "/confirm-email?token=abc",
        "/confirm-email-change?token=abc",
        "/unsubscribe?token=abc",
        "/password/forgot",
        "/password/reset?token=abc",
        "/accounts",
        "/payments",
        "/payments/5f0c1a4e-0000-4000-8000-000000000001/result",
        "/payments/baskets/5f0c1a4e-0000-4000-8000-000000000002/result",
        "/readings",
        "/readings/public",
        "/bills?account=5f0c1a4e-0000-4000-8000-000000000003",
        "/bills/5f0c1a4e-0000-4000-8000-000000000003/B-91000202-2026-11",
        "/appeals",
        "/appeals/new",
        "/appeals/5f0c1a4e-0000-4000-8000-000000000004",
        "/profile",
        "/feedback",
        "/operator/link-requests",
        "/operator/appeals?status=in_work&mine=1",
        "/operator/appeals/5f0c1a4e-0000-4000-8000-000000000004",
        "/operator/feedback",
        "/operator/staff",
        "/staff/accept?token=abc",
    ],
)
async def test_every_route_of_the_app_answers_its_page(site: str, anonymous: aiohttp.ClientSession, path: str) -> None:
    async with anonymous.get(site + path) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        assert await response.text() == INDEX
        # Revalidated on each visit, so a new release is seen at once; the page's policy.
        assert response.headers["Cache-Control"] == "no-cache"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_an_unknown_page_is_404_with_the_app_to_say_so(site: str, anonymous: aiohttp.ClientSession) -> None:
    for path in ("/nowhere", "/accounts/extra/levels", "/payments/1/receipt"):
        async with anonymous.get(site + path) as response:
            assert response.status == 404, path
            assert await response.text() == INDEX


async def test_hashed_assets_are_cached_for_good_and_sent_compressed(
    site: str, anonymous: aiohttp.ClientSession
) -> None:
    async with anonymous.get(
        site + "/assets/app-1a2b.js", headers={"Accept-Encoding": "gzip"}, auto_decompress=False
    ) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["Content-Encoding"] == "gzip"
        packed = await response.read()
    assert gzip.decompress(packed).decode() == SCRIPT
    assert len(packed) < len(SCRIPT.encode()) / 5
    async with anonymous.get(site + "/assets/app-1a2b.js") as response:  # no Accept-Encoding
        assert "Content-Encoding" not in response.headers
        assert await response.text() == SCRIPT


async def test_a_page_seen_before_is_not_sent_again(site: str, anonymous: aiohttp.ClientSession) -> None:
    async with anonymous.get(site + "/accounts") as response:
        etag = response.headers["ETag"]
    async with anonymous.get(site + "/profile", headers={"If-None-Match": etag}) as response:
        assert response.status == 304
        assert await response.read() == b""
    async with anonymous.get(site + "/profile", headers={"If-None-Match": '"other"'}) as response:
        assert response.status == 200


async def test_only_reading_methods_and_no_way_out_of_the_folder(site: str, anonymous: aiohttp.ClientSession) -> None:
    async with anonymous.post(site + "/accounts", json={}) as response:
        assert response.status == 405
        assert response.headers["Allow"] == "GET, HEAD"
        assert response.content_type == "application/problem+json"
    async with anonymous.head(site + "/favicon.svg") as response:
        assert response.status == 200
        assert await response.read() == b""
    for path in ("/../pyproject.toml", "/%2e%2e/%2e%2e/etc/passwd", "/assets/../../index.html"):
        async with anonymous.get(site + path) as response:
            assert response.status in (200, 404), path
            assert await response.text() in (INDEX, ""), path


async def test_the_api_and_the_probes_keep_their_own_answers(site: str, anonymous: aiohttp.ClientSession) -> None:
    async with anonymous.get(site + "/api/v1/nowhere") as response:
        assert response.status == 404
        assert response.content_type == "application/problem+json"
    async with anonymous.get(site + "/healthz") as response:
        assert await response.json() == {"status": "ok"}


async def test_without_a_build_the_pages_say_why_and_other_paths_are_404(
    gateway_with: Any, anonymous: aiohttp.ClientSession, tmp_path: Path
) -> None:
    async with gateway_with(web_dir=str(tmp_path / "missing")) as base_url:
        async with anonymous.get(base_url + "/accounts") as response:
            assert response.status == 503
            problem = await response.json(content_type="application/problem+json")
            assert problem["code"] == "web_not_built"
            assert "make run" in problem["detail"]
        async with anonymous.get(base_url + "/nowhere") as response:
            assert response.status == 404

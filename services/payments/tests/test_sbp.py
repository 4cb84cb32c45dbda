"""SBP payments: the dynamic QR code (its id, its NSPK link and the link drawn as an SVG QR code),
paid by the payer's bank app (the emulator's control call), settled by the callback or by the
poller when callbacks are lost, expired with the bank's session; the events say `method: sbp`."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import aiohttp
import httpx
import pytest

from lka_acquirer_emulator.testing import RunningEmulator
from lka_payments.adapters.rbs import RbsAcquirer
from lka_payments.service_layer.poller import poll_once

SVG = "{http://www.w3.org/2000/svg}"


def rasterized(svg_text: str, zoom: int = 4) -> str:
    """segno's SVG drawn as a plain PBM image: its dark modules are one stroked path of
    horizontal runs (`M x y`, `m dx dy`, `h n`) inside `scale(k)`. zbarimg reads PBM itself,
    where its SVG reader (ImageMagick's) cannot be relied on to draw a stroked path."""
    root = ElementTree.fromstring(svg_text)  # noqa: S314 - our own service's SVG, in a test
    scale = int(re.fullmatch(r"scale\((\d+)\)", root[0].get("transform", ""))[1])  # type: ignore[index]
    side = int(root.get("width", "0")) // scale
    dark: set[tuple[int, int]] = set()
    for path in root.iter(f"{SVG}path"):
        if path.get("stroke") is None:
            continue  # the white background
        x = y = 0.0
        for op, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path.get("d", "")):
            if op == "M":
                x, y = float(first), float(second)
            elif op == "m":
                x, y = x + float(first), y + float(second)
            else:
                dark.update((column, int(y)) for column in range(int(x), int(x + float(first))))
                x += float(first)
    rows = (
        " ".join("1" if (column // zoom, row // zoom) in dark else "0" for column in range(side * zoom))
        for row in range(side * zoom)
    )
    return f"P1\n{side * zoom} {side * zoom}\n" + "\n".join(rows) + "\n"


async def start_sbp(api: httpx.AsyncClient, who: Any, key: str | None = None) -> dict[str, Any]:
    headers = {**who.headers, "Idempotency-Key": key or uuid.uuid4().hex}
    body = {"account_id": str(who.account_id), "amount": "1523.40", "method": "sbp"}
    response = await api.post("/payments", json=body, headers=headers)
    assert response.status_code == 201, response.text
    started: dict[str, Any] = response.json()
    return started


async def bank_app_pays(emulator: RunningEmulator, qr_id: str) -> None:
    async with aiohttp.ClientSession() as http, http.post(f"{emulator.url}/emulator/sbp/{qr_id}/pay") as response:
        assert response.status == 200, await response.text()


async def test_an_sbp_payment_starts_with_its_qr_code(api: httpx.AsyncClient, payer: Any) -> None:
    me, key = await payer(), uuid.uuid4().hex

    started = await start_sbp(api, me, key)

    assert (started["status"], started["method"], started["amount"]) == ("pending", "sbp", "1523.40")
    assert started["confirmation_url"] is None
    sbp = started["sbp"]
    assert sbp["payload"].startswith(f"https://qr.nspk.ru/{sbp['qr_id']}?")
    assert "sum=152340" in sbp["payload"]
    svg = ElementTree.fromstring(sbp["qr_svg"])  # noqa: S314 - our own service's SVG, in a test
    assert svg.tag == f"{SVG}svg" and svg.get("width") == svg.get("height")
    assert any(path.get("stroke") == "#000" for path in svg.iter(f"{SVG}path"))
    # A replay answers the same QR code.
    assert await start_sbp(api, me, key) == started


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (Debian's zbar-tools) is not installed")
async def test_the_qr_svg_decodes_to_the_payload(api: httpx.AsyncClient, payer: Any, tmp_path: Path) -> None:
    sbp = (await start_sbp(api, await payer()))["sbp"]
    image = tmp_path / "qr.pbm"
    image.write_text(rasterized(sbp["qr_svg"]), encoding="ascii")
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, check=True, text=True)
    assert decoded.stdout.strip() == sbp["payload"]


async def test_the_bank_app_pays_and_the_callback_settles_it(
    api: httpx.AsyncClient, payer: Any, emulator: RunningEmulator, outbox: Any, eventually: Any
) -> None:
    me = await payer()
    started = await start_sbp(api, me)

    await bank_app_pays(emulator, started["sbp"]["qr_id"])

    async def succeeded() -> list[dict[str, Any]]:
        return await outbox("payments.payment.succeeded.v1", payment_id=started["id"])

    (event,) = await eventually(succeeded)
    assert (event["method"], event["card_brand"], event["amount_kopecks"]) == ("sbp", None, 152340)
    payment = (await api.get(f"/payments/{started['id']}", headers=me.headers)).json()
    assert (payment["status"], payment["method"], payment["card"]) == ("succeeded", "sbp", None)


async def test_with_callbacks_lost_the_poller_settles_it(
    api: httpx.AsyncClient,
    payer: Any,
    emulator: RunningEmulator,
    db: Any,
    settings: Any,
    uow_factory: Any,
    status_in_db: Any,
) -> None:
    emulator.gateway.callbacks.control.mode = "off"
    started = await start_sbp(api, await payer())
    await bank_app_pays(emulator, started["sbp"]["qr_id"])
    assert await status_in_db(started["id"]) == "pending"

    await db.execute("UPDATE payments SET next_check_at = now() WHERE id = $1::uuid", started["id"])
    acquirer = RbsAcquirer(settings)
    await poll_once(uow_factory, acquirer, settings)
    await acquirer.close()

    assert await status_in_db(started["id"]) == "succeeded"


async def test_an_unpaid_qr_expires_with_the_banks_session(
    api: httpx.AsyncClient, payer: Any, emulator: RunningEmulator, outbox: Any, eventually: Any
) -> None:
    me = await payer()
    started = await start_sbp(api, me)
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emulator.url}/emulator/clock", json={"advance_seconds": 1300}) as response,
    ):
        assert response.status == 200

    async def expired() -> list[dict[str, Any]]:
        return await outbox("payments.payment.failed.v1", payment_id=started["id"])

    (event,) = await eventually(expired)
    assert (event["reason"], event["method"]) == ("expired", "sbp")
    assert (await api.get(f"/payments/{started['id']}", headers=me.headers)).json()["status"] == "expired"

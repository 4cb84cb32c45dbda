"""SBP (Система быстрых платежей) C2B dynamic QR codes of the RBS REST API (docs/acquiring.md,
"SBP"): `sbp/c2b/qr/dynamic/get.do` gives an order its QR code, a link of the NSPK's
(`https://qr.nspk.ru/<qrId>?…`) that the payer's bank app opens; `sbp/c2b/qr/status.do` reads it.

The payer's bank app is played by the control call `POST /emulator/sbp/{qrId}/pay` (control.py):
the order is paid and called back as a card's. A QR code unpaid when its order's session runs out
is rejected with the order (declined, −2007).
"""

from __future__ import annotations

import secrets
import zlib
from urllib.parse import urlencode

from aiohttp import web

from lka_acquirer_emulator.orders import PAID, REGISTERED, Order
from lka_acquirer_emulator.rest import credentials_ok, form_of, refusal
from lka_acquirer_emulator.state import gateway_of

_QR_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The NSPK's member id of the emulated bank (a made-up one).
BANK_MEMBER_ID = "100000000999"


def new_qr_id() -> str:
    """32 characters of digits and capitals, as the NSPK's QR ids are."""
    return "AD" + "".join(secrets.choice(_QR_ALPHABET) for _ in range(30))


def payload_of(order: Order) -> str:
    """The QR code's text: the NSPK link with the sum in kopecks, as dynamic QR codes carry it."""
    assert order.qr_id is not None
    query = {"type": "02", "bank": BANK_MEMBER_ID, "sum": str(order.amount), "cur": "RUB"}
    crc = zlib.crc32(f"{order.qr_id}{urlencode(query)}".encode()) & 0xFFFF
    return f"https://qr.nspk.ru/{order.qr_id}?{urlencode({**query, 'crc': f'{crc:04X}'})}"


def qr_status_of(order: Order) -> str:
    """The NSPK's state of the code: STARTED while it can be paid, ACCEPTED paid, REJECTED else."""
    if order.status == REGISTERED:
        return "STARTED"
    return "ACCEPTED" if order.status == PAID and order.payment_way == "SBP_C2B" else "REJECTED"


async def dynamic_qr(request: web.Request) -> web.Response:
    gateway, form = gateway_of(request), await form_of(request)
    if not credentials_ok(form, gateway):
        return refusal(5, "Доступ запрещён")
    order = gateway.store.get(form.get("mdOrder", ""))
    if order is None:
        return refusal(6, "Заказ не найден")
    if order.status != REGISTERED:
        return refusal(7, "Операция невозможна для текущего состояния заказа")
    # Asked again, the same code: one dynamic QR per order.
    order.qr_id = order.qr_id or new_qr_id()
    return web.json_response(
        {"errorCode": "0", "qrId": order.qr_id, "payload": payload_of(order), "qrStatus": qr_status_of(order)}
    )


async def qr_status(request: web.Request) -> web.Response:
    gateway, form = gateway_of(request), await form_of(request)
    if not credentials_ok(form, gateway):
        return refusal(5, "Доступ запрещён")
    order = gateway.store.by_qr(form.get("qrId", ""))
    if order is None or form.get("mdOrder", order.md_order) != order.md_order:
        return refusal(6, "QR-код не найден")
    return web.json_response({"errorCode": "0", "qrId": order.qr_id, "qrStatus": qr_status_of(order)})


def routes() -> list[web.RouteDef]:
    return [
        web.post("/payment/rest/sbp/c2b/qr/dynamic/get.do", dynamic_qr),
        web.post("/payment/rest/sbp/c2b/qr/status.do", qr_status),
    ]

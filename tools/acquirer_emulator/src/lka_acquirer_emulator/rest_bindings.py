"""The binding calls of the RBS REST API (docs/acquiring.md, "Bindings"): `getBindings.do`,
`unBindCard.do` and `paymentOrderBinding.do`, credentials and `errorCode`s as `rest.py`'s.

A payment with a binding is decided at once, as the real gateway does for a stored card, unless
the card's issuer asks for 3-D Secure: then the answer carries `acsUrl`, `paReq` and `termUrl`
(for a merchant that posts the payer to the ACS itself) and `redirect`, the gateway's page that
takes the payer's browser to the challenge; the order waits there (status 5) as on the card page.
"""

from __future__ import annotations

import base64
from typing import Any

from aiohttp import web

from lka_acquirer_emulator.orders import IN_3DS, REGISTERED
from lka_acquirer_emulator.pages import back_to_merchant, challenge_url, conclude
from lka_acquirer_emulator.rest import PAYMENT_SYSTEMS, credentials_ok, form_of, refusal
from lka_acquirer_emulator.state import gateway_of

PROCESSED = "Ваш платёж обработан, происходит переадресация..."
NO_BINDING = "Связка не найдена"


def _ok(**fields: Any) -> web.Response:
    return web.json_response({"errorCode": "0", "errorMessage": "Успешно", **fields})


async def get_bindings(request: web.Request) -> web.Response:
    gateway, form = gateway_of(request), await form_of(request)
    if not credentials_ok(form, gateway):
        return refusal(5, "Доступ запрещён")
    if not form.get("clientId"):
        return refusal(4, "Не указан clientId")
    found = gateway.bindings.of_client(form["clientId"])
    if not found:
        # RBS answers a client without bindings with an error, not an empty list.
        return refusal(2, "Информация о связках с указанным clientId не найдена")
    bindings = [
        {
            "bindingId": b.binding_id,
            "maskedPan": b.masked_pan,
            "expiryDate": b.expiry_date,
            "paymentSystem": PAYMENT_SYSTEMS.get(b.brand, ""),
            "clientId": b.client_id,
        }
        for b in found
    ]
    return _ok(bindings=bindings)


async def unbind_card(request: web.Request) -> web.Response:
    gateway, form = gateway_of(request), await form_of(request)
    if not credentials_ok(form, gateway):
        return refusal(5, "Доступ запрещён")
    binding = gateway.bindings.active(form.get("bindingId", ""))
    if binding is None:
        return refusal(2, NO_BINDING)
    binding.active = False
    return _ok()


async def payment_order_binding(request: web.Request) -> web.Response:
    gateway, form = gateway_of(request), await form_of(request)
    if not credentials_ok(form, gateway):
        return refusal(5, "Доступ запрещён")
    order = gateway.store.get(form.get("mdOrder", ""))
    if order is None:
        return refusal(6, "Заказ не найден")
    binding = gateway.bindings.active(form.get("bindingId", ""))
    # A binding pays only orders registered for its own client.
    if binding is None or binding.client_id != order.client_id:
        return refusal(2, NO_BINDING)
    if order.status != REGISTERED:
        return refusal(7, "Операция невозможна для текущего состояния заказа")
    order.masked_pan, order.expiration, order.brand = binding.masked_pan, binding.expiry_date, binding.brand
    order.binding_id, order.payment_way = binding.binding_id, "CARD_BINDING"
    origin = gateway.settings.public_url or str(request.url.origin())
    if binding.challenged:
        order.status, order.pending_action_code = IN_3DS, 0
        acs = f"{origin}{challenge_url(order)}"
        pa_req = base64.b64encode(order.md_order.encode()).decode()
        return _ok(
            info=PROCESSED,
            acsUrl=acs.split("?", 1)[0],
            paReq=pa_req,
            termUrl=f"{origin}/payment/rest/finish3ds.do",
            redirect=acs,
        )
    conclude(gateway, order, binding.action_code)
    return _ok(info=PROCESSED, redirect=back_to_merchant(order).location)


def routes() -> list[web.RouteDef]:
    return [
        web.post("/payment/rest/getBindings.do", get_bindings),
        web.post("/payment/rest/unBindCard.do", unbind_card),
        web.post("/payment/rest/paymentOrderBinding.do", payment_order_binding),
    ]

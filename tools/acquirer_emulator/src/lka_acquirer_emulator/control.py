"""Control endpoints for tests, outside the bank API, under `/emulator/` (docs/acquiring.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, get_args

from aiohttp import web

from lka_acquirer_emulator.callbacks import CallbackMode
from lka_acquirer_emulator.orders import REGISTERED, Order
from lka_acquirer_emulator.pages import conclude
from lka_acquirer_emulator.state import gateway_of


def _order(request: web.Request) -> Order:
    order = gateway_of(request).store.get(request.match_info["md_order"])
    if order is None:
        raise web.HTTPNotFound(text="unknown order")
    return order


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="JSON expected") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="a JSON object expected")
    return body


async def show_order(request: web.Request) -> web.Response:
    return web.json_response(_order(request).record())


async def resend_callback(request: web.Request) -> web.Response:
    order = _order(request)
    gateway_of(request).callbacks.send(order, forced=True)
    return web.json_response({"status": "scheduled"}, status=202)


async def put_settings(request: web.Request) -> web.Response:
    body, control = await _json(request), gateway_of(request).callbacks.control
    mode, delay = body.get("callbacks", control.mode), body.get("delay_ms", control.delay_ms)
    if mode not in get_args(CallbackMode) or not isinstance(delay, int) or delay < 0:
        raise web.HTTPBadRequest(text='callbacks: "on"|"off"|"duplicate"|"bad_checksum"; delay_ms: int >= 0')
    control.mode, control.delay_ms = mode, delay
    return web.json_response({"callbacks": control.mode, "delay_ms": control.delay_ms})


async def advance_clock(request: web.Request) -> web.Response:
    body, gateway = await _json(request), gateway_of(request)
    seconds = body.get("advance_seconds")
    if not isinstance(seconds, int | float) or seconds < 0:
        raise web.HTTPBadRequest(text="advance_seconds: a number >= 0")
    gateway.clock.offset += timedelta(seconds=seconds)
    # Orders whose payer ran out of time are declined now, and their merchants told so.
    for order in gateway.store.expire_all():
        gateway.callbacks.send(order)
    return web.json_response({"now": gateway.clock.now().isoformat()})


async def pay_by_sbp(request: web.Request) -> web.Response:
    """The payer's bank app: the QR code scanned and the transfer confirmed, so the order is paid."""
    gateway = gateway_of(request)
    order = gateway.store.by_qr(request.match_info["qr_id"])
    if order is None:
        raise web.HTTPNotFound(text="unknown QR code")
    if order.status != REGISTERED:
        raise web.HTTPConflict(text="the order is not waiting for payment (paid, declined or expired)")
    order.payment_way = "SBP_C2B"
    conclude(gateway, order, 0)
    return web.json_response({"mdOrder": order.md_order, "orderStatus": order.status})


async def put_binding(request: web.Request) -> web.Response:
    """The issuer's answer to later payments with a binding: `{"action_code": 116}` declines them
    (insufficient funds), 0 pays again. A declined card never leaves a binding on the card page, so
    this is how a test makes a saved card fail (an autopay's, say)."""
    body, gateway = await _json(request), gateway_of(request)
    binding = gateway.bindings.active(request.match_info["binding_id"])
    if binding is None:
        raise web.HTTPNotFound(text="unknown or ended binding")
    code = body.get("action_code")
    if not isinstance(code, int) or isinstance(code, bool):
        raise web.HTTPBadRequest(text="action_code: an RBS action code (0 pays)")
    binding.action_code = code
    return web.json_response({"bindingId": binding.binding_id, "action_code": binding.action_code})


def routes() -> list[web.RouteDef]:
    return [
        web.get("/emulator/orders/{md_order}", show_order),
        web.post("/emulator/orders/{md_order}/callback", resend_callback),
        web.put("/emulator/settings", put_settings),
        web.post("/emulator/clock", advance_clock),
        web.post("/emulator/sbp/{qr_id}/pay", pay_by_sbp),
        web.put("/emulator/bindings/{binding_id}", put_binding),
    ]

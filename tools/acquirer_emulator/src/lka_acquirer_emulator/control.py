"""Control endpoints for tests, outside the bank API, under `/emulator/` (docs/acquiring.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, get_args

from aiohttp import web

from lka_acquirer_emulator.callbacks import CallbackMode
from lka_acquirer_emulator.cards import brand_of, mask
from lka_acquirer_emulator.orders import PAID, REGISTERED, Order
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


async def client_orders(request: web.Request) -> web.Response:
    """Every order registered for one client (`?clientId=`), oldest first, whatever its number:
    what the bank holds for a merchant's customer, so a test can count what it was charged."""
    client = request.query.get("clientId", "")
    if not client:
        raise web.HTTPBadRequest(text="clientId expected")
    return web.json_response([order.record() for order in gateway_of(request).store.of_client(client)])


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


# Making the bank and the merchant disagree, for reconciliation's tests (docs/acquiring.md).
TEST_CARD = "4111111111111111"


def _paid_by_card(gateway_order: Order) -> None:
    gateway_order.masked_pan, gateway_order.brand = mask(TEST_CARD), brand_of(TEST_CARD)
    gateway_order.expiration, gateway_order.payment_way = "203012", "CARD"


async def pay_order(request: web.Request) -> web.Response:
    """The order paid at the bank (a Visa test card) with no callback unless `{"callback": true}`:
    the merchant learns it only by asking, as when every callback was lost."""
    body, gateway, order = await _json(request), gateway_of(request), _order(request)
    if not order.awaiting_payer:
        raise web.HTTPConflict(text="the order is not waiting for payment (paid, declined or expired)")
    _paid_by_card(order)
    order.finish(0, gateway.clock.now())
    if body.get("callback") is True:
        gateway.callbacks.send(order)
    return web.json_response({"mdOrder": order.md_order, "orderStatus": order.status})


async def put_amount(request: web.Request) -> web.Response:
    """`{"amount": N}`: what the bank recorded as the order's amount (approved, and what its registry says)."""
    body, order = await _json(request), _order(request)
    amount = body.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0 or amount < order.refunded_amount:
        raise web.HTTPBadRequest(text="amount: kopecks, > 0 and not below what was refunded")
    order.amount = amount
    return web.json_response({"mdOrder": order.md_order, "amount": order.amount})


async def add_bank_only_order(request: web.Request) -> web.Response:
    """`{"order_number": "…", "amount": N}`: an order paid at the bank that the merchant never
    registered (someone else's, or a registration whose answer was lost); 201 `{mdOrder}`."""
    body, gateway = await _json(request), gateway_of(request)
    number, amount = body.get("order_number"), body.get("amount")
    if not isinstance(number, str) or not 0 < len(number) <= 32:
        raise web.HTTPBadRequest(text="order_number: 1-32 characters")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise web.HTTPBadRequest(text="amount: kopecks, > 0")
    now = gateway.clock.now()
    order = Order(number, amount, "", "", "", "", 1200, None, now)
    if not gateway.store.add(order):
        raise web.HTTPConflict(text="that order number is taken")
    _paid_by_card(order)
    order.finish(0, now)
    assert order.status == PAID
    return web.json_response({"mdOrder": order.md_order, "orderStatus": order.status}, status=201)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/emulator/orders", client_orders),
        web.get("/emulator/orders/{md_order}", show_order),
        web.post("/emulator/orders/{md_order}/callback", resend_callback),
        web.put("/emulator/settings", put_settings),
        web.post("/emulator/clock", advance_clock),
        web.post("/emulator/sbp/{qr_id}/pay", pay_by_sbp),
        web.put("/emulator/bindings/{binding_id}", put_binding),
        web.post("/emulator/orders", add_bank_only_order),
        web.post("/emulator/orders/{md_order}/pay", pay_order),
        web.put("/emulator/orders/{md_order}/amount", put_amount),
    ]

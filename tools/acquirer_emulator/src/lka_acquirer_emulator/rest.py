"""The RBS REST API under `/payment/rest/`: form posts in, JSON out, `errorCode` on refusal.

HTTP 200 even for a refusal, as the real gateway answers: only `errorCode` says what happened.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from lka_acquirer_emulator.orders import ACTION_DESCRIPTIONS, HELD, PAID, REFUNDED, REVERSED, Order
from lka_acquirer_emulator.state import Gateway, gateway_of

CARD_PAGE = "/payment/merchants/lka/payment_ru.html"
PAYMENT_SYSTEMS = {"mir": "MIR", "visa": "VISA", "mastercard": "MASTERCARD"}


def refusal(code: int, message: str) -> web.Response:
    return web.json_response({"errorCode": str(code), "errorMessage": message})


def credentials_ok(form: Mapping[str, str], gateway: Gateway) -> bool:
    # Constant time, as a bank would: the emulator is also a model of the other side.
    user_ok = hmac.compare_digest(form.get("userName", "").encode(), gateway.settings.user_name.encode())
    password_ok = hmac.compare_digest(form.get("password", "").encode(), gateway.settings.password.encode())
    return user_ok and password_ok


async def form_of(request: web.Request) -> dict[str, str]:
    posted = await request.post()
    return {name: str(value) for name, value in {**request.query, **posted}.items()}


async def register(request: web.Request) -> web.Response:
    gateway, form = gateway_of(request), await form_of(request)
    if not credentials_ok(form, gateway):
        return refusal(5, "Доступ запрещён")
    number, amount = form.get("orderNumber", ""), form.get("amount", "")
    if not number or len(number) > 32 or not amount.isdigit() or int(amount) <= 0 or not form.get("returnUrl"):
        return refusal(4, "Не заполнен или неверен обязательный параметр")
    if form.get("currency", "643") != "643":
        return refusal(3, "Неизвестная валюта")
    if len(form.get("clientId", "")) > 255:
        return refusal(4, "Неверный clientId")
    try:
        bundle = json.loads(form["orderBundle"]) if form.get("orderBundle") else None
    except ValueError:
        return refusal(4, "Неверный orderBundle")
    order = Order(
        order_number=number,
        amount=int(amount),
        return_url=form["returnUrl"],
        fail_url=form.get("failUrl", form["returnUrl"]),
        description=form.get("description", ""),
        callback_url=form.get("dynamicCallbackUrl", ""),
        session_timeout_s=int(form.get("sessionTimeoutSecs") or 1200),
        bundle=bundle,
        created_at=gateway.clock.now(),
        client_id=form.get("clientId") or None,
    )
    if not gateway.store.add(order):
        return refusal(1, "Заказ с таким номером уже обработан")
    origin = gateway.settings.public_url or str(request.url.origin())
    return web.json_response({"orderId": order.md_order, "formUrl": f"{origin}{CARD_PAGE}?mdOrder={order.md_order}"})


def order_or_refusal(form: Mapping[str, str], gateway: Gateway) -> Order | web.Response:
    if not credentials_ok(form, gateway):
        return refusal(5, "Доступ запрещён")
    order = gateway.store.get(form.get("orderId", "")) or gateway.store.by_number(form.get("orderNumber", ""))
    if order is None:
        return refusal(6, "Заказ не найден")
    return order


def status_document(order: Order) -> dict[str, Any]:
    document: dict[str, Any] = {
        "errorCode": "0",
        "errorMessage": "Успешно",
        "orderNumber": order.order_number,
        "orderStatus": order.status,
        "actionCode": order.action_code,
        "actionCodeDescription": ACTION_DESCRIPTIONS.get(order.action_code, ""),
        "amount": order.amount,
        "currency": "643",
        "date": int(order.created_at.timestamp() * 1000),
        "orderDescription": order.description,
        "paymentAmountInfo": {"approvedAmount": order.amount, "refundedAmount": order.refunded_amount},
        # As the real gateway does: the order's id among its attributes (how a merchant asking by
        # `orderNumber` learns it).
        "attributes": [{"name": "mdOrder", "value": order.md_order}],
    }
    if order.masked_pan:
        document["cardAuthInfo"] = {
            "maskedPan": order.masked_pan,
            "expiration": order.expiration,
            "cardholderName": order.cardholder or "",
            "approvalCode": order.approval_code or "",
            "paymentSystem": PAYMENT_SYSTEMS.get(order.brand or "", ""),
        }
    if order.payment_way:
        document["paymentWay"] = order.payment_way
    if order.client_id:
        # The binding made by (or used for) this order: how the merchant learns its bindingId.
        document["bindingInfo"] = {
            "clientId": order.client_id,
            **({"bindingId": order.binding_id} if order.binding_id else {}),
        }
    return document


async def order_status(request: web.Request) -> web.Response:
    found = order_or_refusal(await form_of(request), gateway_of(request))
    return found if isinstance(found, web.Response) else web.json_response(status_document(found))


async def reverse(request: web.Request) -> web.Response:
    gateway = gateway_of(request)
    found = order_or_refusal(await form_of(request), gateway)
    if isinstance(found, web.Response):
        return found
    if found.status not in (HELD, PAID) or found.refunded_amount:
        return refusal(7, "Операция невозможна для текущего состояния заказа")
    found.status = REVERSED
    found.reversed_at = gateway.clock.now()
    gateway.callbacks.send(found)
    return web.json_response({"errorCode": "0", "errorMessage": "Успешно"})


async def refund(request: web.Request) -> web.Response:
    gateway, form = gateway_of(request), await form_of(request)
    found = order_or_refusal(form, gateway)
    if isinstance(found, web.Response):
        return found
    # RBS's refusals of refund.do: 5 for an amount that is not one, 7 for an order that is not
    # paid (or refunded in full already) and for more than is left of what was paid.
    if not form.get("amount", "0").isdigit():
        return refusal(5, "Неверная сумма")
    if found.status != PAID:
        return refusal(7, "Платёж должен быть в корректном состоянии")
    left = found.amount - found.refunded_amount
    amount = int(form.get("amount") or 0) or left  # 0: what is left
    if amount > left:
        return refusal(7, "Сумма возврата превышает сумму списания")
    found.refunded_amount += amount
    found.refunds.append((amount, gateway.clock.now()))
    if found.refunded_amount == found.amount:
        found.status = REFUNDED
    gateway.callbacks.send(found)
    return web.json_response({"errorCode": "0", "errorMessage": "Успешно"})


def routes() -> list[web.RouteDef]:
    return [
        web.post("/payment/rest/register.do", register),
        web.post("/payment/rest/getOrderStatusExtended.do", order_status),
        web.post("/payment/rest/reverse.do", reverse),
        web.post("/payment/rest/refund.do", refund),
    ]

"""The bank's registry of a day (реестр операций): `GET /emulator/registry/{YYYY-MM-DD}`, CSV.

As an acquirer's daily registry lists operations, not orders, each movement of money is a line
of its own, on the day it happened (Moscow time, which Crimea keeps): the payment (`deposit`),
each refund (`refund`, partial ones too) and a reversal (`reversal`). Every line carries the
order's id and number, the operation's amount in kopecks (positive: the operation says which
way the money went), the order's `orderStatus` as the registry is made, the time (ISO 8601 with
the offset), and the card's brand and masked number (empty for SBP). Header line first; UTF-8.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from lka_acquirer_emulator.orders import Order
from lka_acquirer_emulator.rest import PAYMENT_SYSTEMS
from lka_acquirer_emulator.state import gateway_of

BANK_TIME = ZoneInfo("Europe/Moscow")
COLUMNS = ["order_id", "order_number", "operation", "amount", "status", "time", "card_brand", "masked_pan"]


def lines_of(order: Order, day: date) -> list[list[str]]:
    moved: list[tuple[str, int, datetime]] = []
    if order.paid_at is not None:
        moved.append(("deposit", order.amount, order.paid_at))
    moved += [("refund", amount, at) for amount, at in order.refunds]
    if order.reversed_at is not None:
        moved.append(("reversal", order.amount, order.reversed_at))
    brand = PAYMENT_SYSTEMS.get(order.brand or "", "")
    return [
        [
            order.md_order,
            order.order_number,
            operation,
            str(amount),
            str(order.status),
            at.astimezone(BANK_TIME).isoformat(timespec="seconds"),
            brand,
            order.masked_pan or "",
        ]
        for operation, amount, at in moved
        if at.astimezone(BANK_TIME).date() == day
    ]


def registry_csv(orders: list[Order], day: date) -> str:
    rows = sorted((line for order in orders for line in lines_of(order, day)), key=lambda line: line[5])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


async def registry(request: web.Request) -> web.Response:
    try:
        day = date.fromisoformat(request.match_info["day"])
    except ValueError:
        raise web.HTTPBadRequest(text="a date: YYYY-MM-DD") from None
    body = registry_csv(gateway_of(request).store.all(), day)
    return web.Response(text=body, content_type="text/csv", charset="utf-8")


def routes() -> list[web.RouteDef]:
    return [web.get("/emulator/registry/{day}", registry)]

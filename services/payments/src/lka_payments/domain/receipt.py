"""The 54-FZ receipt (`orderBundle`) of an online payment: the payer's e-mail and one item per
account paid (one for a payment, one per account for a basket), each priced at that account's
amount, so the fiscal receipt's sum equals what the card paid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def order_bundle(
    email: str | None,
    lines: Sequence[tuple[str, int]],
    tax_type: int,
    payment_method: int,
    payment_object: int,
) -> dict[str, Any]:
    """`lines`: (account number, kopecks) of each account paid, in the order the payer listed them."""
    items = [
        {
            "positionId": str(position),
            "name": f"Оплата электроэнергии, л/с № {account_number}",
            "quantity": {"value": 1, "measure": "шт"},
            "itemAmount": kopecks,
            "itemPrice": kopecks,
            "itemCode": "electricity",
            "tax": {"taxType": tax_type},
            "itemAttributes": {
                "attributes": [
                    {"name": "paymentMethod", "value": str(payment_method)},
                    {"name": "paymentObject", "value": str(payment_object)},
                ]
            },
        }
        for position, (account_number, kopecks) in enumerate(lines, start=1)
    ]
    bundle: dict[str, Any] = {"cartItems": {"items": items}}
    if email:
        bundle["customerDetails"] = {"email": email}
    return bundle

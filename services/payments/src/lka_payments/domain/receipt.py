"""The 54-FZ receipt (`orderBundle`) of an online payment: the payer's e-mail and one item
whose price is the whole amount, so the fiscal receipt's sum equals what the card paid."""

from __future__ import annotations

from typing import Any


def order_bundle(
    email: str | None, account_number: str, kopecks: int, tax_type: int, payment_method: int, payment_object: int
) -> dict[str, Any]:
    item = {
        "positionId": "1",
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
    bundle: dict[str, Any] = {"cartItems": {"items": [item]}}
    if email:
        bundle["customerDetails"] = {"email": email}
    return bundle

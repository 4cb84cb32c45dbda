"""What each problem status means on the payments routes, for their OpenAPI documents."""

from __future__ import annotations

from typing import Any

from lka_common.problem_docs import problem_responses

_DESCRIPTIONS = {
    400: "idempotency_key_required (POST /payments), or invalid_checksum (the acquirer's callback)",
    401: "unauthorized: no valid access token",
    403: "staff_not_allowed: staff cannot pay nor keep cards (a subscriber's own action); forbidden: a staff "
    "route called by a subscriber, or a supervisor's by an operator; same_actor: deciding one's own refund",
    404: "not_found: unknown, or not the caller's; card_not_found: a saved card that is not the caller's, or deleted",
    409: "autopay_taken: the account's autopay is another subscriber's; payment_not_refundable: not paid, or "
    "refunded in full; refund_not_awaiting: a refund decided already",
    422: "validation_error, amount_above_limit, refund_above_paid (more than is left to give back) or "
    "idempotency_key_reused",
    502: "acquirer_refused: the bank refused to register the order",
    503: "acquirer_unavailable or service_unavailable",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a payments route answering these statuses."""
    return problem_responses({status: _DESCRIPTIONS[status] for status in statuses})

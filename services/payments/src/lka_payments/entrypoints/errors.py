"""The payments service's refusals as problem+json (docs/contract.md §2), in one place."""

from __future__ import annotations

from fastapi import FastAPI

from lka_common.auth import same_actor
from lka_common.money import format_kopecks
from lka_common.problems import Problem, install_domain_errors, validation_problem
from lka_payments.domain import errors, messages, refunds


def problem_for(exc: errors.PaymentsError) -> Problem:
    if isinstance(exc, errors.BasketAccountNotFound):
        text = messages.BASKET_ACCOUNT_NOT_FOUND.format(line=exc.line)
        field = f"items.{exc.line - 1}.account_id"
        return Problem(404, "not_found", text, errors=[{"field": field, "message": text}])
    if isinstance(exc, errors.CardNotFound):
        return Problem(404, "card_not_found", messages.CARD_NOT_FOUND)
    if isinstance(exc, errors.AutopayTaken):
        return Problem(409, "autopay_taken", messages.AUTOPAY_TAKEN)
    if isinstance(exc, refunds.RefundAboveRest):
        text = messages.REFUND_ABOVE_REST.format(left=format_kopecks(exc.left_kopecks))
        return validation_problem([{"field": "amount", "message": text}], code="refund_above_paid", detail=text)
    if isinstance(exc, refunds.NotRefundable):
        return Problem(409, "payment_not_refundable", messages.NOT_REFUNDABLE)
    if isinstance(exc, refunds.SameActor):
        return same_actor()
    if isinstance(exc, refunds.NotAwaiting):
        return Problem(409, "refund_not_awaiting", messages.REFUND_NOT_AWAITING)
    if isinstance(exc, errors.RefundKeyReused):
        return Problem(422, "idempotency_key_reused", messages.REFUND_KEY_REUSED)
    if isinstance(exc, errors.ReconciliationNotFound):
        return Problem(404, "not_found", messages.RECONCILIATION_NOT_FOUND)
    if isinstance(exc, errors.IdempotencyKeyReused):
        return Problem(422, "idempotency_key_reused", messages.KEY_REUSED)
    if isinstance(exc, errors.AmountAboveCeiling):
        text = messages.AMOUNT_CEILING.format(limit=format_kopecks(exc.ceiling_kopecks))
        return validation_problem([{"field": "amount", "message": text}], code="amount_above_limit", detail=text)
    if isinstance(exc, errors.AcquirerUnavailable):
        return Problem(503, "acquirer_unavailable", messages.ACQUIRER_UNAVAILABLE, headers={"Retry-After": "5"})
    if isinstance(exc, errors.AcquirerRefused):
        return Problem(502, "acquirer_refused", messages.ACQUIRER_REFUSED)
    return Problem(404)


def install_error_handlers(app: FastAPI) -> None:
    install_domain_errors(app, errors.PaymentsError, problem_for)

"""What the payments use cases refuse; entrypoints/errors.py maps each to its HTTP problem."""

from __future__ import annotations


class PaymentsError(Exception):
    pass


class NotFound(PaymentsError):
    """Unknown, or not the caller's (the same answer: no enumeration)."""


class BasketAccountNotFound(NotFound):
    """An account of a basket that is not the caller's (or unknown): which line, so the payer sees which."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class CardNotFound(PaymentsError):
    """A saved card that is not the caller's, was deleted, or never was (one answer for all)."""


class AutopayTaken(PaymentsError):
    """The account's autopay is another subscriber's (a co-owner of the account): one per account."""


class IdempotencyKeyReused(PaymentsError):
    pass


class RefundKeyReused(PaymentsError):
    """An Idempotency-Key of a refund the same person asked for with another body."""


class ReconciliationNotFound(NotFound):
    """No reconciliation of that day was run."""


class AmountAboveCeiling(PaymentsError):
    def __init__(self, ceiling_kopecks: int) -> None:
        super().__init__(ceiling_kopecks)
        self.ceiling_kopecks = ceiling_kopecks


class AcquirerUnavailable(PaymentsError):
    """The gateway could not be asked (network, timeout, an answer that is not RBS JSON)."""


class AcquirerRefused(PaymentsError):
    """The gateway answered with an `errorCode`."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"RBS errorCode {code}: {message}")
        self.code = code

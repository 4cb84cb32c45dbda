"""The bodies of the operators' calls (docs/contract.md §2 "accounts", `/operator/...`): the
registry lookup, a request in the review queue with billing's side and the account's history
beside it, and the reason of a rejection."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field, field_validator

from lka_accounts.domain import messages
from lka_accounts.domain.model import (
    AccountHistory,
    AccountSummary,
    BillingAccount,
    LinkRequest,
    RequestCard,
    RequestStatus,
)
from lka_accounts.domain.proofs import Proof, proves, surname_prefix
from lka_accounts.domain.throttling import ATTEMPTS_KEPT
from lka_accounts.entrypoints.schemas.accounts import AccountOut, Money
from lka_accounts.entrypoints.schemas.link_requests import RequestFields, proof_out, request_fields
from lka_common.masking import mask_email
from lka_common.money import format_kopecks
from lka_common.schemas import RequestModel, ResponseModel

FAILED_ATTEMPTS_DAYS = ATTEMPTS_KEPT.days


class RejectIn(RequestModel):
    # Blank (or only spaces, which the model trims) is refused with a sentence of our own, so
    # the length rule is checked below and stated to the document here.
    comment: str = Field(max_length=1000, json_schema_extra={"minLength": 1, "pattern": r"\S"})

    @field_validator("comment")
    @classmethod
    def _reason(cls, value: str) -> str:
        if not value:
            raise ValueError(messages.REJECT_REASON_REQUIRED)
        return value


class LastPaymentOut(ResponseModel):
    amount: Money
    date: str


class BillingAccountOut(AccountOut):
    """The registry entry for operators: what billing last sent, owner included."""

    owner_surname: str
    owner_initials: str
    last_payment: LastPaymentOut | None

    @classmethod
    def of(cls, item: AccountSummary) -> BillingAccountOut:
        account = item.account
        return cls(
            **AccountOut.of(item).model_dump(),
            owner_surname=account.owner_surname,
            owner_initials=account.owner_initials,
            last_payment=_last_payment(account),
        )


def _last_payment(account: BillingAccount) -> LastPaymentOut | None:
    if account.last_payment_kopecks is None or account.last_payment_date is None:
        return None
    amount = format_kopecks(account.last_payment_kopecks)
    return LastPaymentOut(amount=amount, date=account.last_payment_date.isoformat())


def _masked(email: str | None) -> str | None:
    return mask_email(email) if email else None


class OperatorLinkRequestOut(RequestFields):
    user_id: UUID
    requester_email: str | None = Field(
        description="The requester's e-mail when they filed or last corrected the request, masked"
        " (`iv***@mail.ru`); null if unknown.",
        examples=["iv***@mail.ru"],
    )

    @classmethod
    def of(cls, request: LinkRequest) -> OperatorLinkRequestOut:
        return cls(
            **request_fields(request),
            proof=proof_out(request.proof),
            user_id=request.user_id,
            requester_email=_masked(request.requester_email),
        )


class BillingSideOut(ResponseModel):
    """Billing's data to compare the proof with, and no more: never sent for a number billing does not know."""

    surname_prefix: str = Field(description="The first three letters of the owner's surname.", examples=["ИВА"])
    last_payment: LastPaymentOut | None
    proof_matches: bool | None = Field(
        description="Whether what the subscriber entered matches billing's data now (null: no proof kept)."
    )

    @classmethod
    def of(cls, account: BillingAccount, proof: Proof | None) -> BillingSideOut:
        return cls(
            surname_prefix=surname_prefix(account.owner_surname),
            last_payment=_last_payment(account),
            proof_matches=None if proof is None else proves(proof, account),
        )


class HistoryRequestOut(ResponseModel):
    id: UUID
    requester_email: str | None
    status: RequestStatus
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None


class FailedAttemptsOut(ResponseModel):
    days: int = Field(description="How far back the attempt log reaches.")
    count: int
    times: list[datetime] = Field(description="The newest failures' times, newest first (at most 5).")


class HistoryOut(ResponseModel):
    requests: list[HistoryRequestOut] = Field(
        description="The account's other requests, any profile's, newest first (at most 10)."
    )
    failed_attempts: FailedAttemptsOut = Field(description="Failed link attempts on the account, any profile's.")

    @classmethod
    def of(cls, history: AccountHistory) -> HistoryOut:
        failed = history.failed_attempts
        return cls(
            requests=[
                HistoryRequestOut(
                    id=r.id,
                    requester_email=_masked(r.requester_email),
                    status=r.status,
                    created_at=r.created_at,
                    updated_at=r.updated_at,
                    decided_at=r.decided_at,
                )
                for r in history.requests
            ],
            failed_attempts=FailedAttemptsOut(days=FAILED_ATTEMPTS_DAYS, count=failed.count, times=list(failed.times)),
        )


class OperatorRequestCardOut(OperatorLinkRequestOut):
    """A request in the operators' queue, with what it is judged by."""

    billing: BillingSideOut | None = Field(description="Billing's side; null: billing does not know the number.")
    history: HistoryOut

    @classmethod
    def of_card(cls, card: RequestCard) -> OperatorRequestCardOut:
        return cls(
            **OperatorLinkRequestOut.of(card.request).model_dump(),
            billing=None if card.account is None else BillingSideOut.of(card.account, card.request.proof),
            history=HistoryOut.of(card.history),
        )

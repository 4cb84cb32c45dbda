"""The bodies of a subscriber's link requests (docs/contract.md §2 "accounts"): a request as its
subscriber sees it, the proof it was filed with, and what filing, correcting and settling one
answers. The operators' view of a request builds on `RequestFields` (`operator`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import Field

from lka_accounts.domain import messages
from lka_accounts.domain.model import LinkRequest, RequestStatus
from lka_accounts.domain.proofs import LastPaymentProof, Proof, SurnameProof
from lka_accounts.entrypoints.schemas.accounts import Money
from lka_common.money import format_kopecks
from lka_common.schemas import ResponseModel


class LastPaymentProofOut(ResponseModel):
    last_payment_amount: Money


class SurnameProofOut(ResponseModel):
    surname_prefix: str = Field(examples=["ИВА"])


ProofOut = LastPaymentProofOut | SurnameProofOut


def proof_out(proof: Proof | None) -> ProofOut | None:
    if isinstance(proof, LastPaymentProof):
        return LastPaymentProofOut(last_payment_amount=format_kopecks(proof.amount_kopecks))
    if isinstance(proof, SurnameProof):
        return SurnameProofOut(surname_prefix=proof.letters)
    return None


def _request_note(status: RequestStatus) -> str | None:
    if status == "pending":
        return messages.REQUEST_EXPLAINED
    if status == "rejected":
        return messages.REJECTED_NOTE
    return None


class RequestFields(ResponseModel):
    id: UUID
    region_code: str
    number: str
    status: RequestStatus
    comment: str | None
    created_at: datetime
    updated_at: datetime
    proof: ProofOut | None = Field(
        description="What the subscriber entered last: one of the two proofs (null for a request filed before"
        " proofs were kept). Never billing's data."
    )


def request_fields(request: LinkRequest) -> dict[str, object]:
    """The `RequestFields` a request fills as it is, for the subscriber's view and the operators'."""
    return {
        name: getattr(request, name)
        for name in ("id", "region_code", "number", "status", "comment", "created_at", "updated_at")
    }


class LinkRequestOut(RequestFields):
    note: str | None = Field(
        description="What the request means for the subscriber now: for a pending one why it was made, who"
        " reviews it and how soon; for a rejected one how to go on; null once decided or withdrawn."
    )

    @classmethod
    def of(cls, request: LinkRequest) -> LinkRequestOut:
        return cls(**request_fields(request), proof=proof_out(request.proof), note=_request_note(request.status))


class RequestCreatedOut(ResponseModel):
    status: Literal["request_created"] = "request_created"
    request: LinkRequestOut
    message: str = messages.REQUEST_CREATED
    explanation: str = Field(
        default=messages.REQUEST_EXPLAINED,
        description="Why a request was made (one sentence whether the proof was wrong or the number unknown),"
        " who reviews it, how soon, and that the decision comes by letter.",
    )


class RequestLinkedOut(ResponseModel):
    status: Literal["linked"] = "linked"
    message: str = messages.REQUEST_LINKED


class RequestPendingOut(ResponseModel):
    status: Literal["pending"] = "pending"
    request: LinkRequestOut
    message: str = messages.REQUEST_UPDATED
    explanation: str = messages.REQUEST_EXPLAINED

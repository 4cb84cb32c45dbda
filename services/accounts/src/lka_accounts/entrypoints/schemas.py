"""Request and response bodies of the accounts API (docs/contract.md §2 "accounts").

Money leaves as decimal strings ("1523.40") and enters as one; the proof of a link is exactly
one of the last payment's amount and the surname's first three letters.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, field_validator, model_validator

from lka_accounts.domain import account_numbers, messages
from lka_accounts.domain.bills import Bill
from lka_accounts.domain.model import (
    AccountHistory,
    AccountSummary,
    BillingAccount,
    LinkRequest,
    RequestCard,
    RequestStatus,
)
from lka_accounts.domain.proofs import LastPaymentProof, Proof, SurnameProof, is_surname_prefix, proves, surname_prefix
from lka_accounts.domain.throttling import ATTEMPTS_KEPT
from lka_common.events.fields import MeterValue
from lka_common.masking import mask_email
from lka_common.money import format_kopecks, parse_kopecks
from lka_common.schemas import RequestModel, ResponseModel

RegionCode = Annotated[str, Field(min_length=1, max_length=64)]
# The registry lookup takes any number billing might have sent (its events do not constrain
# it); a link form takes only what can be an account (domain/account_numbers.py).
ACCOUNT_NUMBER_PATTERN = r"^[0-9A-Za-zА-Яа-яЁё/\-]+$"
# The format is in the document (only there: `account_numbers.check` refuses the rest as
# 422 `invalid_account_number`, with its own message at the field).
AccountNumber = Annotated[
    str,
    Field(min_length=1, max_length=64, json_schema_extra={"pattern": account_numbers.PATTERN}, examples=["91000101"]),
]
Money = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["1523.40"])]
FAILED_ATTEMPTS_DAYS = ATTEMPTS_KEPT.days


def last_payment_kopecks(text: str) -> int:
    """The amount of a last payment, as a proof: in the money format, and more than zero."""
    kopecks = parse_kopecks(text)
    if kopecks <= 0:
        raise ValueError(messages.AMOUNT_POSITIVE)
    return kopecks


class LinkIn(RequestModel):
    region_code: RegionCode
    number: AccountNumber
    last_payment_amount: str | None = Field(default=None, max_length=20, examples=["1523.40"])
    surname_prefix: str | None = Field(default=None, max_length=10, examples=["Ива"])

    @field_validator("last_payment_amount")
    @classmethod
    def _amount(cls, value: str | None) -> str | None:
        if value is not None:
            last_payment_kopecks(value)
        return value

    @field_validator("surname_prefix")
    @classmethod
    def _letters(cls, value: str | None) -> str | None:
        if value is not None and not is_surname_prefix(value):
            raise ValueError(messages.SURNAME_PREFIX)
        return value

    @model_validator(mode="after")
    def _exactly_one_proof(self) -> LinkIn:
        if (self.last_payment_amount is None) == (self.surname_prefix is None):
            raise ValueError(messages.ONE_PROOF)
        return self

    def proof(self) -> Proof:
        if self.last_payment_amount is not None:
            return LastPaymentProof(last_payment_kopecks(self.last_payment_amount))
        assert self.surname_prefix is not None
        return SurnameProof(self.surname_prefix)


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


class RegionOut(ResponseModel):
    code: str
    name: str


class AccountOut(ResponseModel):
    id: UUID
    region: RegionOut
    number: str
    address: str
    debt: Money = Field(description="> 0 the subscriber owes, < 0 overpaid.")
    penalty: Money
    amount_due: Money = Field(description="max(debt + penalty, 0).")
    balance_as_of: datetime
    pending_payments: Money = Field(description="Paid in the portal, not yet registered by billing.")

    @classmethod
    def of(cls, item: AccountSummary) -> AccountOut:
        account = item.account
        return cls(
            id=account.id,
            region=RegionOut(code=item.region.code, name=item.region.name),
            number=account.number,
            address=account.address,
            debt=format_kopecks(account.debt_kopecks),
            penalty=format_kopecks(account.penalty_kopecks),
            amount_due=format_kopecks(item.amount_due_kopecks),
            balance_as_of=account.as_of,
            pending_payments=format_kopecks(item.pending_kopecks),
        )


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


class LinkRequestOut(RequestFields):
    note: str | None = Field(
        description="What the request means for the subscriber now: for a pending one why it was made, who"
        " reviews it and how soon; for a rejected one how to go on; null once decided or withdrawn."
    )

    @classmethod
    def of(cls, request: LinkRequest) -> LinkRequestOut:
        return cls(**_request_fields(request), proof=proof_out(request.proof), note=_request_note(request.status))


def _request_fields(request: LinkRequest) -> dict[str, object]:
    return {
        name: getattr(request, name)
        for name in ("id", "region_code", "number", "status", "comment", "created_at", "updated_at")
    }


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
            **_request_fields(request),
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


class LinkedOut(ResponseModel):
    status: Literal["linked"] = "linked"
    account: AccountOut
    message: str = messages.ACCOUNT_LINKED


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


class MessageOut(ResponseModel):
    message: str


class BillLineOut(ResponseModel):
    title: str = Field(examples=["Электроэнергия, день"])
    zone: str = Field(examples=["T1"])
    quantity_kwh: MeterValue = Field(description="kWh billed in the zone.")
    price: Money = Field(description="Roubles per kWh.", examples=["6.49"])
    amount: Money


class BillOut(ResponseModel):
    id: str = Field(description="Billing's id of the bill.", examples=["B-91000202-2026-11"])
    period: str = Field(examples=["2026-11"], description="The month billed.")
    issued_at: datetime
    opening_balance: Money = Field(description="Debt at the start of the month: > 0 owed, < 0 overpaid.")
    lines: list[BillLineOut]
    charged: Money = Field(description="The lines' sum.")
    payments: Money = Field(description="Paid during the month.")
    penalty: Money
    total_due: Money = Field(description="What the bill asks to pay by due_date (< 0: overpaid).")
    due_date: date
    pdf_url: str = Field(description="The bill as PDF, under the same API prefix.")

    @classmethod
    def of(cls, account_id: UUID, bill: Bill) -> BillOut:
        lines = [
            BillLineOut(
                title=line.title,
                zone=line.zone,
                quantity_kwh=line.quantity_kwh,
                price=format_kopecks(line.price_kopecks),
                amount=format_kopecks(line.amount_kopecks),
            )
            for line in bill.lines
        ]
        return cls(
            id=bill.id,
            period=bill.period,
            issued_at=bill.issued_at,
            opening_balance=format_kopecks(bill.opening_balance_kopecks),
            lines=lines,
            charged=format_kopecks(bill.charged_kopecks),
            payments=format_kopecks(bill.payments_kopecks),
            penalty=format_kopecks(bill.penalty_kopecks),
            total_due=format_kopecks(bill.total_due_kopecks),
            due_date=bill.due_date,
            pdf_url=f"/api/v1/accounts/{account_id}/bills/{bill.id}.pdf",
        )


class PaperlessIn(RequestModel):
    enabled: bool = Field(description="true: bills by e-mail with the PDF, no paper; false: paper again.")


class PaperlessOut(ResponseModel):
    account_id: UUID
    enabled: bool
    message: str | None = Field(default=None, description="What changed, for people (on PUT).")

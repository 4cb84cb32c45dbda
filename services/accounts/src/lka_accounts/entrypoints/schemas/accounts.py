"""The bodies of a subscriber's accounts (docs/contract.md §2 "accounts"): the regions, the
linked accounts, the link form (`POST /accounts`, and again `PUT /link-requests/{id}`) and what
linking answers; and the field types the other parts share (money, an account number).

Money leaves as decimal strings ("1523.40") and enters as one; the proof of a link is exactly
one of the last payment's amount and the surname's first three letters.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, field_validator, model_validator

from lka_accounts.domain import account_numbers, messages
from lka_accounts.domain.model import AccountSummary
from lka_accounts.domain.proofs import LastPaymentProof, Proof, SurnameProof, is_surname_prefix
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


class LinkedOut(ResponseModel):
    status: Literal["linked"] = "linked"
    account: AccountOut
    message: str = messages.ACCOUNT_LINKED


# The bare answer of unlinking an account and of withdrawing a request.
class MessageOut(ResponseModel):
    message: str

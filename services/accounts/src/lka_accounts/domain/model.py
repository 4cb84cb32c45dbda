"""The accounts service's nouns: regions, personal accounts as billing sends them, links, requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal
from uuid import UUID

if TYPE_CHECKING:
    from lka_accounts.domain.proofs import Proof

LinkedVia = Literal["last_payment", "surname", "operator", "merge"]
RequestStatus = Literal["pending", "approved", "rejected", "withdrawn"]


@dataclass(frozen=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True)
class BillingAccount:
    """A personal account (лицевой счет) as billing last sent it."""

    id: UUID
    region_code: str
    number: str
    owner_surname: str
    owner_initials: str
    address: str
    debt_kopecks: int
    penalty_kopecks: int
    last_payment_kopecks: int | None
    last_payment_date: date | None
    as_of: datetime


def amount_due(debt_kopecks: int, penalty_kopecks: int) -> int:
    """What the subscriber is asked to pay: debt and penalty, never below zero (an overpayment)."""
    return max(debt_kopecks + penalty_kopecks, 0)


@dataclass(frozen=True)
class AccountSummary:
    """An account as its subscribers and operators see it: balances and portal payments in flight."""

    account: BillingAccount
    region: Region
    pending_kopecks: int

    @property
    def amount_due_kopecks(self) -> int:
        return amount_due(self.account.debt_kopecks, self.account.penalty_kopecks)


@dataclass(frozen=True)
class LinkRequest:
    """A subscriber's request (заявка) to link an account they could not prove at once.

    `proof` is what they entered last (None for a request filed before proofs were kept);
    `requester_email` their address when they filed or last corrected it, for the operator."""

    id: UUID
    user_id: UUID
    region_code: str
    number: str
    status: RequestStatus
    comment: str | None
    decided_by: UUID | None
    decided_at: datetime | None
    created_at: datetime
    updated_at: datetime
    proof: Proof | None = None
    requester_email: str | None = None


@dataclass(frozen=True)
class FailedAttempts:
    """Failed link attempts on one account (any profile) that the attempt log still keeps."""

    count: int
    times: tuple[datetime, ...]  # the newest first, at most a few


@dataclass(frozen=True)
class AccountHistory:
    """What an operator reads about an account before deciding a request for it."""

    requests: tuple[LinkRequest, ...]  # the account's other requests, any profile's, newest first
    failed_attempts: FailedAttempts


@dataclass(frozen=True)
class RequestCard:
    """A request as an operator judges it: the request, billing's entry for its account (None:
    billing does not know the number), and the account's history."""

    request: LinkRequest
    account: BillingAccount | None
    history: AccountHistory

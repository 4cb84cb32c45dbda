"""Events published by the accounts service: personal accounts linked to users, link requests."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from lka_common.events.audit import AuditRecorded
from lka_common.events.base import EventData
from lka_common.events.fields import AccountNumber, RegionCode


class AccountLinked(EventData):
    """A personal account was linked to a user, who may now see and pay it."""

    event_type = "accounts.account.linked.v1"

    user_id: UUID
    account_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    linked_via: Literal["last_payment", "surname", "operator", "merge"] = Field(
        description="The proof: the last payment's amount, the surname's first letters, an operator's"
        " approval of a request, or a merge of two profiles."
    )


class AccountUnlinked(EventData):
    """A personal account was unlinked from a user, who may no longer see or pay it."""

    event_type = "accounts.account.unlinked.v1"

    user_id: UUID
    account_id: UUID
    region_code: RegionCode
    account_number: AccountNumber


class LinkRequestCreated(EventData):
    """A link the user could not prove at once is waiting for an operator."""

    event_type = "accounts.link_request.created.v1"

    request_id: UUID
    user_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    status: Literal["pending"]


class LinkRequestResolved(EventData):
    """A link request was decided: approved (the account is linked) or rejected."""

    event_type = "accounts.link_request.resolved.v1"

    request_id: UUID
    user_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    status: Literal["approved", "rejected"]


class LinkRequestWithdrawn(EventData):
    """The user withdrew their link request (pending or rejected): no operator is to decide it."""

    event_type = "accounts.link_request.withdrawn.v1"

    request_id: UUID
    user_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    status: Literal["withdrawn"]


class PaperlessChanged(EventData):
    """A subscriber turned paper bills off (`enabled`: bills come as letters with the PDF) or on
    again, for one account they have linked."""

    event_type = "accounts.paperless.changed.v1"

    account_id: UUID
    region_code: RegionCode
    account_number: AccountNumber
    user_id: UUID
    enabled: bool


class AccountsAuditRecorded(AuditRecorded):
    """A staff action or read accounts recorded in its audit chain (lka_common.audit)."""

    event_type = "accounts.audit.recorded.v1"
    service = "accounts"

"""The audit record as an event (docs/contract.md §4 "Audit"): what every service publishes as
`<service>.audit.recorded.v1` when it records a staff action or a staff read.

One payload for all five, `AuditRecorded`; each producer module subclasses it with its own type
(`AccountsAuditRecorded` in events/accounts.py…), so the catalog keeps one model per type and
the AsyncAPI document lists each. `data` is the record as its service's `audit_records` table
holds it (lka_common.audit), chain included: whoever keeps a copy (identity's search) can tell
it from a rewritten chain.
"""

from __future__ import annotations

from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import Field

from lka_common.events.base import EventData
from lka_common.events.fields import Moment

ChainHash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, 64 lowercase hex digits.")]


class AuditRecorded(EventData):
    """A staff action or a staff read of a subscriber's personal data, as its service recorded it."""

    # The producing service (the type's first word), set by each producer's subclass.
    service: ClassVar[str]

    id: int = Field(gt=0, description="The record's number in its service's chain: ascending, gaps allowed.")
    at: Moment
    actor_user_id: UUID = Field(description="The staff member who acted.")
    actor_role: str = Field(description="Their role then: operator or supervisor.")
    action: str = Field(description="What was done, `<object>.<verb>` (link_request.approve, feedback.list…).")
    object_type: str = Field(description="The kind of object acted on or read (link_request, billing_account…).")
    object_id: str | None = Field(description="Which object, or null when the action concerns none in particular.")
    client_address: str | None = Field(description="Where the call came from (the client address), null off-line.")
    request_id: str | None = Field(description="The request's X-Request-ID (also the events' correlationid).")
    outcome: str = Field(description="`ok`, or `refused:<code>` with the problem code the caller was answered.")
    prev_hash: ChainHash = Field(description="The hash of the service's previous record (64 zeros for the first).")
    hash: ChainHash = Field(description="SHA-256 of this record's canonical form with prev_hash (lka_common.audit).")

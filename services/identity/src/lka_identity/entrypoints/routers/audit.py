"""`GET /operator/audit`: supervisors search every service's audit records (docs/contract.md §4
"Audit"); operators and subscribers are 403. The search is itself recorded in identity's chain
(`audit.search`): who looked at the audit, and when; an operator's try too, refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query

from lka_common.paging import PageDep
from lka_common.problem_docs import problem_responses
from lka_common.problems import validation_problem
from lka_common.web import UowDep
from lka_identity.adapters.audit_projection import AuditFilter
from lka_identity.entrypoints.dependencies import LiveStaff, StaffAuditDep, require_supervisor
from lka_identity.entrypoints.schemas import AuditRecordOut
from lka_identity.service_layer import audit_search

router = APIRouter(prefix="/operator", tags=["operator"])

PROBLEMS = problem_responses(
    {
        401: "unauthorized: no token, or its session ended",
        403: "forbidden: supervisors only (operators and subscribers alike)",
        422: "validation_error: a filter or the page is malformed",
        503: "service_unavailable: the database cannot be reached",
    }
)


# Actions are `<object>.<verb>` words; object ids are uuids, numbers or `<region>/<number>`: no
# character a stranger could use to reach PostgreSQL with text it refuses (a NUL is a 500 there).
ACTION_PATTERN = r"^[a-z0-9_.:\-]+$"
OBJECT_ID_PATTERN = r"^[A-Za-z0-9_.:/@\-]+$"


def _utc(moment: datetime | None, field: str) -> datetime | None:
    """A moment in UTC; one without an offset is taken as UTC, as every time the API sends."""
    if moment is None:
        return None
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-01:00 is past what a datetime holds in UTC
        raise validation_problem([{"field": field, "message": OUT_OF_RANGE}]) from None


OUT_OF_RANGE = "Дата вне допустимого диапазона"


@router.get("/audit", response_model=list[AuditRecordOut], responses=PROBLEMS)
async def search_audit(
    staff: LiveStaff,
    audit: StaffAuditDep,
    uow: UowDep,
    page: PageDep,
    actor_user_id: Annotated[UUID | None, Query(description="Only this staff member's records.")] = None,
    action: Annotated[
        str | None, Query(max_length=100, pattern=ACTION_PATTERN, description="Only this action (feedback.list…).")
    ] = None,
    object_id: Annotated[
        str | None, Query(max_length=200, pattern=OBJECT_ID_PATTERN, description="Only records about this object.")
    ] = None,
    since: Annotated[datetime | None, Query(alias="from", description="From this moment on (inclusive).")] = None,
    until: Annotated[datetime | None, Query(alias="to", description="Before this moment (exclusive).")] = None,
) -> list[AuditRecordOut]:
    found_by = AuditFilter(actor_user_id, action, object_id, _utc(since, "from"), _utc(until, "to"))
    # The record's object is the search itself: which filters were given (who looked up whom).
    asked = {"actor_user_id": actor_user_id, "action": action, "object_id": object_id, "from": since, "to": until}
    searched = urlencode({k: str(v) for k, v in asked.items() if v}) or None
    async with audit.action(uow, "audit.search", "audit_search", searched):
        require_supervisor(staff)
        found = await audit_search.search(uow, found_by, page.limit, page.offset)
    return [
        AuditRecordOut(service=item.service, **item.record.model_dump(exclude={"prev_hash", "hash"})) for item in found
    ]

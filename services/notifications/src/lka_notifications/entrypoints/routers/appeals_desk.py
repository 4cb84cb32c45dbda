"""The appeals desk: staff list appeals (by status, assignee, overdue), assign one, answer it.

Every call is audited (lka_common.audit): the list one `appeal.list` record per appeal shown,
`appeal.assign` and `appeal.answer` with the action's own commit, or `refused:<code>`. Each
call also notes the caller as staff at the desk (README, "Appeals": whom an appeal can be
assigned to). Staff read an appeal and its files at the subscriber's addresses
(routers/appeals.py), audited there.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from lka_common.audit import Audit, staff_audit
from lka_common.auth import Principal, operator_principal
from lka_common.multipart import validated
from lka_common.paging import PageDep
from lka_common.uow import UnitOfWork
from lka_common.web import UowDep, get_uow
from lka_notifications.domain import errors, working_days
from lka_notifications.domain.appeals import AppealStatus
from lka_notifications.entrypoints.dependencies import read_appeal_form
from lka_notifications.entrypoints.errors import problem_for
from lka_notifications.entrypoints.problem_docs import appeal_problems
from lka_notifications.entrypoints.routers.appeals import MESSAGE_FORM
from lka_notifications.entrypoints.schemas import (
    AppealMessageIn,
    AppealMessageOut,
    AssignIn,
    StaffAppealOut,
    appeal_out,
    message_out,
)
from lka_notifications.service_layer import appeal_handling, queries

router = APIRouter(tags=["appeals"])

AuditDep = Annotated[Audit, Depends(staff_audit(errors.NotificationsError, problem_for))]


async def desk_staff(
    staff: Annotated[Principal, Depends(operator_principal)], uow: Annotated[UnitOfWork, Depends(get_uow)]
) -> Principal:
    await appeal_handling.remember_staff(uow, staff.user_id, staff.role)
    return staff


DeskStaff = Annotated[Principal, Depends(desk_staff)]


@router.get("/operator/appeals", response_model=list[StaffAppealOut], responses=appeal_problems(401, 403, 422))
async def desk_list(
    staff: DeskStaff,
    audit: AuditDep,
    uow: UowDep,
    page: PageDep,
    status: AppealStatus | None = None,
    assignee: UUID | None = None,
    overdue: bool = False,
) -> list[StaffAppealOut]:
    day = working_days.today()
    items = await queries.appeals_for_staff(
        uow, status=status, assignee_id=assignee, overdue=overdue, today=day, limit=page.limit, offset=page.offset
    )
    await audit.read(uow, "appeal.list", "appeal", (appeal.id for appeal in items))
    return [StaffAppealOut(**appeal_out(a, day), user_id=a.user_id, assignee_id=a.assignee_id) for a in items]


@router.post(
    "/operator/appeals/{appeal_id}/assign",
    response_model=StaffAppealOut,
    responses=appeal_problems(401, 403, 404, 409, 422),
)
async def assign(appeal_id: UUID, body: AssignIn, staff: DeskStaff, audit: AuditDep, uow: UowDep) -> StaffAppealOut:
    async with audit.action(uow, "appeal.assign", "appeal", appeal_id) as step:
        appeal = await appeal_handling.assign(uow, appeal_id, staff.user_id, body.user_id, step)
    return StaffAppealOut(
        **appeal_out(appeal, working_days.today()), user_id=appeal.user_id, assignee_id=appeal.assignee_id
    )


@router.post(
    "/operator/appeals/{appeal_id}/messages",
    status_code=201,
    response_model=AppealMessageOut,
    responses=appeal_problems(401, 403, 404, 409, 413, 415, 422),
    openapi_extra=MESSAGE_FORM,
)
async def answer(appeal_id: UUID, request: Request, staff: DeskStaff, audit: AuditDep, uow: UowDep) -> AppealMessageOut:
    async with audit.action(uow, "appeal.answer", "appeal", appeal_id) as step:
        form = await read_appeal_form(request)
        body = validated(AppealMessageIn, form.fields)
        files = await appeal_handling.judge_files(form.uploads)
        message = await appeal_handling.answer(uow, appeal_id, staff.user_id, body.text, files, step)
    return message_out(message)

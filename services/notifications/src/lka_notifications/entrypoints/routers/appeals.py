"""A subscriber's appeals (обращения): the topics, filing one with files, the list, one appeal
with its conversation, a reply, closing it, and a file of it.

An appeal and its files are read by its author and by staff only; anyone else gets 404, as for
an appeal that does not exist. A staff member's read is audited (`appeal.read`,
`appeal_attachment.read`), a subscriber's own is not. The forms are multipart and read as they
stream in (entrypoints/uploads.py), so the routes take the request itself.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response

from lka_common.audit import Audit, staff_audit
from lka_common.auth import CurrentUser, Subscriber, current_principal
from lka_common.multipart import form_body, validated
from lka_common.paging import PageDep
from lka_common.web import UowDep
from lka_notifications.domain import errors, messages, working_days
from lka_notifications.domain.appeals import TEXT_MAX_LENGTH, TOPICS
from lka_notifications.entrypoints.dependencies import APPEAL_FORM_LIMITS, read_appeal_form
from lka_notifications.entrypoints.errors import problem_for
from lka_notifications.entrypoints.problem_docs import appeal_problems
from lka_notifications.entrypoints.schemas import (
    AppealDetailOut,
    AppealFormIn,
    AppealMessageIn,
    AppealMessageOut,
    AppealOut,
    AppealRegisteredOut,
    TopicOut,
    appeal_out,
    message_out,
)
from lka_notifications.service_layer import appeal_handling, queries

router = APIRouter(tags=["appeals"])

# Any signed-in caller: staff reads are recorded, the author's own are not.
ReaderAudit = Annotated[Audit, Depends(staff_audit(errors.NotificationsError, problem_for, current_principal))]

TEXT_FIELD = {"type": "string", "minLength": 1, "maxLength": TEXT_MAX_LENGTH}
FILES_DOC = "JPEG, PNG or PDF by content, at most 5 MiB each"
APPEAL_FORM = form_body(
    {
        "topic": {"type": "string", "minLength": 1, "maxLength": 50, "description": "A code of GET /appeals/topics"},
        "text": TEXT_FIELD,
        "account_id": {"type": "string", "format": "uuid", "description": "One of the caller's linked accounts"},
    },
    ["topic", "text"],
    APPEAL_FORM_LIMITS,
    FILES_DOC,
)
MESSAGE_FORM = form_body({"text": TEXT_FIELD}, ["text"], APPEAL_FORM_LIMITS, FILES_DOC)


@router.get("/appeals/topics", response_model=list[TopicOut], responses=appeal_problems(401))
async def list_topics(user: CurrentUser) -> list[TopicOut]:
    return [TopicOut(code=topic.code, title=topic.title) for topic in TOPICS]


@router.post(
    "/appeals",
    status_code=201,
    response_model=AppealRegisteredOut,
    responses=appeal_problems(401, 403, 404, 413, 415, 422),
    openapi_extra=APPEAL_FORM,
)
async def file_appeal(request: Request, user: Subscriber, uow: UowDep) -> AppealRegisteredOut:
    form = await read_appeal_form(request)
    body = validated(AppealFormIn, form.fields)
    files = await appeal_handling.judge_files(form.uploads)
    appeal = await appeal_handling.register(
        uow, user_id=user.user_id, topic=body.topic, text=body.text, account_id=body.account_id, files=files
    )
    sentence = messages.APPEAL_REGISTERED.format(number=appeal.number, due_date=f"{appeal.due_date:%d.%m.%Y}")
    return AppealRegisteredOut(id=appeal.id, number=appeal.number, status=appeal.status, message=sentence)


@router.get("/appeals", response_model=list[AppealOut], responses=appeal_problems(401, 403, 422))
async def my_appeals(user: Subscriber, uow: UowDep, page: PageDep) -> list[AppealOut]:
    day = working_days.today()
    items = await queries.appeals_of(uow, user.user_id, page.limit, page.offset)
    return [AppealOut(**appeal_out(appeal, day)) for appeal in items]


@router.get("/appeals/{appeal_id}", response_model=AppealDetailOut, responses=appeal_problems(401, 404, 422))
async def one_appeal(appeal_id: UUID, user: CurrentUser, audit: ReaderAudit, uow: UowDep) -> AppealDetailOut:
    if user.is_staff:
        async with audit.action(uow, "appeal.read", "appeal", appeal_id):
            thread = await queries.appeal_thread(uow, appeal_id, user)
    else:
        thread = await queries.appeal_thread(uow, appeal_id, user)
    day = working_days.today()
    return AppealDetailOut(
        **appeal_out(thread.appeal, day), messages=[message_out(message) for message in thread.messages]
    )


@router.post(
    "/appeals/{appeal_id}/messages",
    status_code=201,
    response_model=AppealMessageOut,
    responses=appeal_problems(401, 403, 404, 409, 413, 415, 422),
    openapi_extra=MESSAGE_FORM,
)
async def reply(appeal_id: UUID, request: Request, user: Subscriber, uow: UowDep) -> AppealMessageOut:
    form = await read_appeal_form(request)
    body = validated(AppealMessageIn, form.fields)
    files = await appeal_handling.judge_files(form.uploads)
    return message_out(await appeal_handling.reply(uow, appeal_id, user.user_id, body.text, files))


@router.post("/appeals/{appeal_id}/close", response_model=AppealOut, responses=appeal_problems(401, 403, 404, 409, 422))
async def close(appeal_id: UUID, user: Subscriber, uow: UowDep) -> AppealOut:
    appeal = await appeal_handling.close(uow, appeal_id, user.user_id)
    return AppealOut(**appeal_out(appeal, working_days.today()))


@router.get(
    "/appeals/{appeal_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={
        200: {"description": "The file", "content": {ct: {} for ct in ("image/jpeg", "image/png", "application/pdf")}},
        **appeal_problems(401, 404, 422),
    },
)
async def attachment(
    appeal_id: UUID, attachment_id: UUID, user: CurrentUser, audit: ReaderAudit, uow: UowDep
) -> Response:
    if user.is_staff:
        async with audit.action(uow, "appeal_attachment.read", "appeal_attachment", attachment_id):
            info, content = await queries.appeal_attachment(uow, appeal_id, attachment_id, user)
    else:
        info, content = await queries.appeal_attachment(uow, appeal_id, attachment_id, user)
    return Response(
        content,
        media_type=info.content_type,
        headers={
            # Never shown in the portal's own origin: a file is always a download, its type as judged.
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(info.name, safe='')}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )

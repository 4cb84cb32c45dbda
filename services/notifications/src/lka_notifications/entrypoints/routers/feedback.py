"""`POST /feedback` (with or without sign-in) and `GET /operator/feedback` (operators only).

Each feedback an operator's list shows (its author's address and text are personal data) is
audited, one `feedback.list` record per item (lka_common.audit)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from lka_common.audit import Audit, staff_audit
from lka_common.auth import MaybeUser, Operator
from lka_common.paging import PageDep
from lka_common.web import UowDep
from lka_notifications.domain import messages
from lka_notifications.entrypoints.dependencies import ClientDep, RulesDep
from lka_notifications.entrypoints.problem_docs import problems
from lka_notifications.entrypoints.schemas import FeedbackAccepted, FeedbackIn, FeedbackOut
from lka_notifications.service_layer import queries, submission

router = APIRouter(tags=["feedback"])

AuditDep = Annotated[Audit, Depends(staff_audit())]


# `{}` beside the bearer scheme: the token is optional here (docs/contract.md §2), and the document says so.
@router.post(
    "/feedback",
    status_code=201,
    response_model=FeedbackAccepted,
    responses=problems(401, 422, 429, form=True),
    openapi_extra={"security": [{}]},
)
async def post_feedback(
    body: FeedbackIn, uow: UowDep, user: MaybeUser, rules: RulesDep, client: ClientDep
) -> FeedbackAccepted:
    item = await submission.submit_feedback(
        uow,
        rules,
        topic=body.topic,
        message=body.message,
        form_email=body.email,
        name=body.name or None,
        user_id=user.user_id if user else None,
        profile_email=user.email if user else None,
        client_address=client,
    )
    return FeedbackAccepted(id=item.id, message=messages.FEEDBACK_ACCEPTED)


@router.get("/operator/feedback", response_model=list[FeedbackOut], responses=problems(401, 403, 422))
async def list_feedback(operator: Operator, audit: AuditDep, uow: UowDep, page: PageDep) -> list[FeedbackOut]:
    items = await queries.newest_feedback(uow, page.limit, page.offset)
    await audit.read(uow, "feedback.list", "feedback", (item.id for item in items))
    return [FeedbackOut.model_validate(item) for item in items]

"""`POST /feedback` (with or without sign-in) and `GET /operator/feedback` (operators only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import Field

from lka_common.auth import MaybeUser, Operator
from lka_common.client_address import client_address
from lka_common.problem_docs import problem_responses
from lka_common.problems import Problem, validation_problem
from lka_common.schemas import MAX_OFFSET, EmailAddress, RequestModel, ResponseModel
from lka_common.web import UowDep
from lka_notifications.adapters import feedback_repository
from lka_notifications.domain.feedback import (
    EMAIL_REQUIRED,
    FEEDBACK_ACCEPTED,
    MESSAGE_MAX_LENGTH,
    TOPIC_MAX_LENGTH,
    FeedbackLimitReached,
)
from lka_notifications.service_layer.feedback import submit_feedback
from lka_notifications.settings import NotificationsSettings

router = APIRouter(tags=["feedback"])


class FeedbackIn(RequestModel):
    topic: str = Field(min_length=1, max_length=TOPIC_MAX_LENGTH)
    message: str = Field(min_length=1, max_length=MESSAGE_MAX_LENGTH)
    email: EmailAddress | None = None
    name: str | None = Field(default=None, max_length=200)


class FeedbackAccepted(ResponseModel):
    id: UUID
    message: str


class FeedbackOut(ResponseModel):
    id: UUID
    topic: str
    message: str
    email: str
    name: str | None
    user_id: UUID | None
    created_at: datetime


# Every refusal these routes can give, documented (issue 11's fuzzer found 401, 403, 429 and
# the problem+json content type missing from the document).
_FEEDBACK_PROBLEMS = problem_responses(
    {
        401: "unauthorized: a token was given and is not valid (without one the form is anonymous)",
        422: "validation_error: topic, message, or the e-mail an anonymous form needs",
        429: "too_many_requests: feedback from this client address per hour; see Retry-After",
    }
)
_OPERATOR_PROBLEMS = problem_responses(
    {401: "unauthorized: no valid access token", 403: "forbidden: operators only", 422: "validation_error"}
)


# `{}` beside the bearer scheme: the token is optional here (CONTRACT §2), and the document says so.
@router.post(
    "/feedback",
    status_code=201,
    response_model=FeedbackAccepted,
    responses=_FEEDBACK_PROBLEMS,
    openapi_extra={"security": [{}]},
)
async def post_feedback(body: FeedbackIn, uow: UowDep, user: MaybeUser, request: Request) -> FeedbackAccepted:
    # Signed in, the reply goes to the profile's address; anonymous, the form must give one.
    email = user.email if user is not None and user.email else body.email
    if email is None:
        raise validation_problem([{"field": "email", "message": EMAIL_REQUIRED}])
    settings: NotificationsSettings = request.app.state.settings
    try:
        item = await submit_feedback(
            uow,
            topic=body.topic,
            message=body.message,
            email=email,
            name=body.name or None,
            user_id=user.user_id if user else None,
            client_address=client_address(request),
            mailbox=settings.feedback_mailbox,
            limit_per_hour=settings.feedback_per_client_per_hour,
        )
    except FeedbackLimitReached as exc:
        raise Problem(
            429,
            "too_many_requests",
            "Слишком много обращений с вашего адреса. Повторите попытку позже",
            headers={"Retry-After": str(exc.retry_after_s)},
        ) from None
    return FeedbackAccepted(id=item.id, message=FEEDBACK_ACCEPTED)


@router.get("/operator/feedback", response_model=list[FeedbackOut], responses=_OPERATOR_PROBLEMS)
async def list_feedback(
    operator: Operator,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[FeedbackOut]:
    async with uow:
        items = await feedback_repository.newest(uow.session, limit, offset)
    return [FeedbackOut.model_validate(item) for item in items]

"""`POST /feedback`: the feedback form (обратная связь), with or without a login."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import Field

from lka_common.schemas import EmailAddress, RequestModel, ResponseModel
from lka_common.web import UowDep
from lka_notifications.domain.feedback import FEEDBACK_ACCEPTED, MESSAGE_MAX_LENGTH, TOPIC_MAX_LENGTH
from lka_notifications.service_layer.feedback import submit_feedback

router = APIRouter(tags=["feedback"])


class FeedbackIn(RequestModel):
    topic: str = Field(min_length=1, max_length=TOPIC_MAX_LENGTH)
    message: str = Field(min_length=1, max_length=MESSAGE_MAX_LENGTH)
    # Required until sign-in exists; with a login it will come from the profile (CONTRACT §2).
    email: EmailAddress
    name: str | None = Field(default=None, max_length=200)


class FeedbackAccepted(ResponseModel):
    id: UUID
    message: str


@router.post("/feedback", status_code=201, response_model=FeedbackAccepted)
async def post_feedback(body: FeedbackIn, uow: UowDep, request: Request) -> FeedbackAccepted:
    item = await submit_feedback(
        uow,
        topic=body.topic,
        message=body.message,
        email=body.email,
        name=body.name or None,
        user_id=None,
        client_address=request.client.host if request.client else None,
    )
    return FeedbackAccepted(id=item.id, message=FEEDBACK_ACCEPTED)

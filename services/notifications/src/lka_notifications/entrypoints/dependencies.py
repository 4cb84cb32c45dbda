"""Request dependencies of the notifications routers: the feedback rules from the settings, the
caller's address (a list's page is lka_common.paging's), and an appeal's multipart form read as
it streams in (lka_common.multipart), its limits refused as the domain's errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from lka_common import multipart
from lka_common.client_address import client_address
from lka_notifications.domain.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Upload
from lka_notifications.domain.errors import AttachmentTooLarge, TooManyAttachments
from lka_notifications.service_layer.submission import FeedbackRules
from lka_notifications.settings import NotificationsSettings


# `async def`, though they await nothing: FastAPI runs a plain `def` dependency in a worker
# thread, a thread hop per dependency per request (docs/performance.md, the readings profile).
async def get_rules(request: Request) -> FeedbackRules:
    settings: NotificationsSettings = request.app.state.settings
    return FeedbackRules.from_settings(settings)


async def get_client_address(request: Request) -> str | None:
    return client_address(request)


RulesDep = Annotated[FeedbackRules, Depends(get_rules)]
ClientDep = Annotated[str | None, Depends(get_client_address)]


APPEAL_FORM_LIMITS = multipart.FormLimits("attachments", MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES)


@dataclass(frozen=True)
class AppealForm:
    fields: dict[str, str]
    uploads: list[Upload]


async def read_appeal_form(request: Request) -> AppealForm:
    """Up to 3 files (`attachments`) of up to 5 MiB each, the 6th MiB refused as it arrives."""
    try:
        form = await multipart.read_form(request, APPEAL_FORM_LIMITS)
    except multipart.FileTooLarge:
        raise AttachmentTooLarge from None
    except multipart.TooManyFiles:
        raise TooManyAttachments from None
    return AppealForm(form.fields, [Upload(file.name, file.content) for file in form.files])

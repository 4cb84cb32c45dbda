"""Delivering a letter exactly once, with a delivery log, a per-recipient cap and retries.

Every letter is one `SendLetter` command, handled alone: the inbox makes a redelivered
command a no-op, and the "sent" row commits with the inbox claim. SMTP cannot join that
transaction (docs/messaging.md §7): only a crash between the send and the commit can repeat a
letter, with the same Message-ID. A failed attempt is logged through a separate unit of
work (its own small pool), so the log row survives the rollback that makes the consumer
retry. Letters to one address are serialised by an advisory lock, so the hourly cap holds
even when several arrive at once.

The cap applies only to the letters a stranger can cause, and counts only those
(domain/letters.py, the letter policy): a letter the person needs is never suppressed. A
reminder, a bill or a receipt is not sent when the person turned its kind off (identity's
preferences, kept here); a reminder or a bill otherwise carries a signed one-click link that
turns that kind off (lka_common.unsubscribe): the `List-Unsubscribe` header names identity's API
(a mail client POSTs to it, RFC 8058), and the body's `unsubscribe_page` the portal's page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import structlog
from pydantic import SecretStr

from lka_common.after_commit import after_commit
from lka_common.messaging.errors import PermanentError, TransientError
from lka_common.unsubscribe import sign
from lka_common.uow import UnitOfWork
from lka_notifications.adapters import address_book, letter_preferences, letters_repository, metrics
from lka_notifications.adapters.mailer import Letter, LetterAttachment, SmtpMailer
from lka_notifications.adapters.templates import LetterRenderer
from lka_notifications.domain.letters import CAPPED_TEMPLATES, LETTER_PREFERENCE, ONE_CLICK_UNSUBSCRIBE, policy_of

log = structlog.get_logger(__name__)


class LetterDispatcher:
    def __init__(
        self,
        mailer: SmtpMailer,
        renderer: LetterRenderer,
        per_recipient_per_hour: int,
        max_attempts: int,
        unsubscribe: tuple[str, SecretStr] = ("", SecretStr("")),
    ) -> None:
        """`unsubscribe`: the public base URL and the secret the one-click links are made with."""
        self._mailer = mailer
        self._renderer = renderer
        self._cap = per_recipient_per_hour
        self._max_attempts = max_attempts
        base, self._unsubscribe_secret = unsubscribe
        self._base = base.rstrip("/")

    async def send(
        self,
        uow: UnitOfWork,
        *,
        message_id: str,
        template: str,
        params: dict[str, Any],
        to: str | None = None,
        user_id: UUID | None = None,
        reply_to: str | None = None,
        attachments: tuple[LetterAttachment, ...] = (),
    ) -> None:
        """Deliver to `to`, else to the user's confirmed address from the address book; with
        neither, nothing is sent (logged)."""
        recipient = to
        if recipient is None and user_id is not None:
            recipient = await address_book.confirmed_address(uow.session, user_id)
        if recipient is None:
            log.warning("letter_without_address", template=template)
            return
        await self.deliver(
            uow,
            message_id=message_id,
            template=template,
            recipient=recipient,
            params=params,
            user_id=user_id,
            reply_to=reply_to,
            attachments=attachments,
        )

    async def deliver(
        self,
        uow: UnitOfWork,
        *,
        message_id: str,
        template: str,
        recipient: str,
        params: dict[str, Any],
        user_id: UUID | None = None,
        reply_to: str | None = None,
        attachments: tuple[LetterAttachment, ...] = (),
    ) -> None:
        key = f"{message_id}/{recipient.lower()}"
        entry = {"letter_key": key, "message_id": message_id, "template": template, "recipient": recipient}
        await letters_repository.lock_recipient(uow.session, recipient)
        previous = await letters_repository.status_of(uow.session, key)
        if previous is not None and previous.delivered:
            log.info("letter_already_delivered", template=template, status=previous.status)
            return
        attempts = (previous.attempts if previous else 0) + 1
        if policy_of(template).capped and await self._over_cap(uow, recipient):
            log.warning("letter_suppressed_over_cap", template=template, cap=self._cap)
            await letters_repository.record(uow.session, **entry, user_id=user_id, status="suppressed", attempts=0)
            _count_on_commit(uow, template, "suppressed")
            return
        preference = LETTER_PREFERENCE.get(template)
        # A letter to a bare address (no user) has no one whose preference to ask.
        if (
            preference is not None
            and user_id is not None
            and await letter_preferences.turned_off(uow.session, user_id, preference)
        ):
            log.info("letter_turned_off", template=template, preference=preference)
            await letters_repository.record(uow.session, **entry, user_id=user_id, status="turned_off", attempts=0)
            _count_on_commit(uow, template, "turned_off")
            return
        unsubscribe_url, unsubscribe_page = self._one_click(template, user_id)
        if template in ONE_CLICK_UNSUBSCRIBE:
            params = {**params, "unsubscribe_page": unsubscribe_page}
        rendered = self._renderer.render(template, params)
        letter = Letter(
            to=recipient,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            reply_to=reply_to,
            idempotency_key=key,
            attachments=attachments,
            unsubscribe_url=unsubscribe_url,
        )
        try:
            await self._mailer.send(letter)
        except TransientError as exc:
            await self._record_failure(uow, entry, user_id, attempts, exc)
            raise
        except PermanentError as exc:
            await self._record_failure(uow, entry, user_id, attempts, exc, final=True)
            raise
        await letters_repository.record(uow.session, **entry, user_id=user_id, status="sent", attempts=attempts)
        _count_on_commit(uow, template, "sent")
        log.info("letter_sent", template=template, attempts=attempts)

    def _one_click(self, template: str, user_id: UUID | None) -> tuple[str | None, str | None]:
        """A reminder's or a bill's one-click links, one token: identity's API for
        `List-Unsubscribe` (the mail client POSTs to it), the portal's page for the body (a
        person clicking lands on a page that says what was turned off). None for other letters,
        and for one to a bare address (no user to name)."""
        preference = LETTER_PREFERENCE.get(template)
        if template not in ONE_CLICK_UNSUBSCRIBE or preference is None or user_id is None:
            return None, None
        token = sign(self._unsubscribe_secret, user_id, preference)
        return f"{self._base}/api/v1/public/unsubscribe?token={token}", f"{self._base}/unsubscribe?token={token}"

    async def _over_cap(self, uow: UnitOfWork, recipient: str) -> bool:
        since = datetime.now(UTC) - timedelta(hours=1)
        return await letters_repository.sent_since(uow.session, recipient, since, CAPPED_TEMPLATES) >= self._cap

    async def _record_failure(
        self,
        uow: UnitOfWork,
        entry: dict[str, str],
        user_id: UUID | None,
        attempts: int,
        error: Exception,
        final: bool = False,
    ) -> None:
        final = final or attempts >= self._max_attempts
        async with uow.separate() as side:
            await letters_repository.record(
                side.session,
                **entry,
                user_id=user_id,
                status="failed" if final else "retrying",
                attempts=attempts,
                last_error=str(error)[:500],
            )
            await side.commit()
        metrics.LETTERS.labels(metrics.template_label(entry["template"]), "failed" if final else "retrying").inc()
        log.warning("letter_failed", template=entry["template"], attempts=attempts, final=final, error=str(error)[:200])
        if final and not isinstance(error, PermanentError):
            raise PermanentError(f"letter failed {attempts} times: {error}") from error


def _count_on_commit(uow: UnitOfWork, template: str, outcome: str) -> None:
    """Count the letter once its row commits with the command's inbox claim: a rollback makes
    the consumer take the command again, and the letter would be counted twice."""
    after_commit(uow.session, metrics.LETTERS.labels(metrics.template_label(template), outcome).inc)

"""Sending letters over SMTP (aiosmtplib) to the configured server.

In development that is the mail catcher (tools/mailcatcher); in production the supplier's
relay, with TLS and credentials from settings. A server that cannot be reached, or defers
with a 4xx, is a transient error: the consumer retries the letter. A 5xx refusal is permanent.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from lka_common.messaging.errors import TransientError
from lka_notifications.settings import NotificationsSettings


@dataclass(frozen=True)
class Letter:
    to: str
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    # A stable Message-ID lets the receiving side drop a letter resent after a crash.
    idempotency_key: str | None = None
    attachments: tuple[LetterAttachment, ...] = ()
    # A reminder's one-click unsubscribe address (RFC 8058): `List-Unsubscribe` and `-Post`.
    unsubscribe_url: str | None = None


@dataclass(frozen=True)
class LetterAttachment:
    filename: str
    content_type: str
    content: bytes


class SmtpMailer:
    def __init__(self, settings: NotificationsSettings) -> None:
        self._settings = settings

    def compose(self, letter: Letter) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.mail_from
        message["To"] = letter.to
        message["Subject"] = letter.subject
        if letter.reply_to:
            message["Reply-To"] = letter.reply_to
        domain = self._settings.mail_from.rsplit("@", 1)[-1].strip("> ")
        message["Message-ID"] = (
            f"<{letter.idempotency_key}@{domain}>" if letter.idempotency_key else make_msgid(domain=domain)
        )
        if letter.unsubscribe_url:
            # RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click` to this address, no page
            # and no sign-in; the relay's DKIM signature must cover both headers.
            message["List-Unsubscribe"] = f"<{letter.unsubscribe_url}>"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message.set_content(letter.text)
        if letter.html:
            message.add_alternative(letter.html, subtype="html")
        for attachment in letter.attachments:
            maintype, _, subtype = attachment.content_type.partition("/")
            message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
        return message

    async def send(self, letter: Letter) -> None:
        s = self._settings
        try:
            await aiosmtplib.send(
                self.compose(letter),
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username,
                password=s.smtp_password.get_secret_value() if s.smtp_password else None,
                start_tls=s.smtp_starttls,
                use_tls=s.smtp_use_tls,
                timeout=s.smtp_timeout_s,
            )
        except (
            aiosmtplib.SMTPConnectError,
            aiosmtplib.SMTPServerDisconnected,
            aiosmtplib.SMTPTimeoutError,
            OSError,
        ) as exc:
            raise TransientError(f"SMTP server unavailable: {exc!r}") from exc

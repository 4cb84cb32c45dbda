"""The caught letters: parsed once on arrival and kept in memory, newest first.

Nothing is written to disk: the catcher is for reading letters during development, and a
restart giving an empty mailbox is what a developer expects.
"""

from __future__ import annotations

import base64
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from typing import Any


@dataclass(frozen=True)
class CaughtLetter:
    id: str
    sender: str
    to: tuple[str, ...]
    subject: str
    received_at: datetime
    text: str | None
    html: str | None
    reply_to: str | None = None
    attachments: tuple[CaughtAttachment, ...] = ()
    # Every header as sent, in order, repeats kept: what a mail client acts on beyond the body
    # (`List-Unsubscribe`, `List-Unsubscribe-Post`, `Message-ID`).
    headers: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "from": self.sender,
            "to": list(self.to),
            "subject": self.subject,
            "received_at": self.received_at.isoformat(),
            "text": self.text,
            "html": self.html,
            "reply_to": self.reply_to,
            "attachments": [attachment.as_json() for attachment in self.attachments],
            "headers": [[name, value] for name, value in self.headers],
        }


@dataclass(frozen=True)
class CaughtAttachment:
    filename: str | None
    content_type: str
    content: bytes

    def as_json(self) -> dict[str, Any]:
        # The content too (base64): a test or a developer can open the very file that was sent.
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": len(self.content),
            "content_base64": base64.b64encode(self.content).decode(),
        }


def parse_letter(raw: bytes, mail_from: str | None, rcpt_tos: list[str]) -> CaughtLetter:
    """A letter from its SMTP envelope and raw content (RFC 5322 bytes)."""
    message = BytesParser(policy=default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # policy=default always builds EmailMessage
    return CaughtLetter(
        id=uuid.uuid4().hex,
        # The From header is what the recipient would see; the envelope sender is only
        # the fallback for letters that lack one.
        sender=str(message.get("from") or mail_from or ""),
        # The envelope, not the To header: Bcc recipients appear only there.
        to=tuple(rcpt_tos),
        subject=str(message.get("subject") or ""),
        received_at=datetime.now(UTC),
        text=_body(message, "plain"),
        html=_body(message, "html"),
        reply_to=str(message["reply-to"]) if message["reply-to"] else None,
        attachments=tuple(_attachments(message)),
        headers=tuple((name, str(value)) for name, value in message.items()),
    )


def _attachments(message: EmailMessage) -> Iterator[CaughtAttachment]:
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            yield CaughtAttachment(part.get_filename(), part.get_content_type(), payload)


def _body(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None:
        return None
    try:
        content = part.get_content()
    except LookupError:
        # An unknown charset must not lose the letter: show it as UTF-8 with replacements.
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else None
    if not isinstance(content, str):
        return None
    # CRLF is only SMTP's line ending on the wire; senders composed the text with "\n".
    return content.replace("\r\n", "\n")


class LetterStore:
    """Bounded mailbox: past `capacity` the oldest letters are dropped."""

    def __init__(self, capacity: int) -> None:
        self._letters: deque[CaughtLetter] = deque(maxlen=capacity)

    def add(self, letter: CaughtLetter) -> None:
        # appendleft keeps newest first, and maxlen then drops from the old end.
        self._letters.appendleft(letter)

    def clear(self) -> None:
        self._letters.clear()

    def __iter__(self) -> Iterator[CaughtLetter]:
        return iter(list(self._letters))

    def __len__(self) -> int:
        return len(self._letters)

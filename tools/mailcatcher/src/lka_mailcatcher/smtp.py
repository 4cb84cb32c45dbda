"""The SMTP side: an aiosmtpd server on the caller's event loop that stores every letter.

`loop.create_server(lambda: SMTP(handler))` rather than aiosmtpd's `Controller`: the
controller runs its own loop in a thread, and the catcher wants the SMTP and HTTP servers
sharing one loop and one store without locks.
"""

from __future__ import annotations

import asyncio

import structlog
from aiosmtpd.smtp import SMTP, Envelope, Session

from lka_mailcatcher.store import LetterStore, parse_letter

log = structlog.get_logger(__name__)

# Passed to SMTP explicitly: its default, socket.getfqdn(), can stall on a DNS lookup.
SERVER_HOSTNAME = "mailcatcher.lka.local"


class StoringHandler:
    """aiosmtpd handler: accepts every recipient and keeps the letter in the store."""

    def __init__(self, store: LetterStore) -> None:
        self._store = store

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        letter = parse_letter(raw, envelope.mail_from, envelope.rcpt_tos)
        self._store.add(letter)
        # Subject and recipients only: bodies carry one-time codes and personal data.
        log.info("letter_received", subject=letter.subject, to=list(letter.to))
        return "250 Message accepted for delivery"


async def start_smtp_server(store: LetterStore, host: str, port: int) -> asyncio.Server:
    """Listen on host:port (0 picks a free port) until the returned server is closed."""
    loop = asyncio.get_running_loop()
    handler = StoringHandler(store)

    def factory() -> SMTP:
        # SMTPUTF8 on, so clients may send non-ASCII addresses and headers unencoded.
        return SMTP(handler, hostname=SERVER_HOSTNAME, enable_SMTPUTF8=True, loop=loop)

    return await loop.create_server(factory, host=host, port=port)

"""What an appeal may carry: at most 3 files of at most 5 MiB each, JPEG, PNG or PDF, judged
by their content (the first bytes), never by the name or the type the browser claimed.

Images are drawn again without their metadata by adapters/images.py; a PDF is kept as it came
once it looks like one (the header at the start, the end-of-file marker near the end).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
NAME_MAX_LENGTH = 120

ContentType = Literal["image/jpeg", "image/png", "application/pdf"]

_SIGNATURES: tuple[tuple[bytes, ContentType], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
EXTENSIONS: dict[ContentType, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/pdf": (".pdf",),
}
# The PDF spec lets `%%EOF` be followed by a line end or some padding.
_PDF_TAIL = 1024


def content_type_of(content: bytes) -> ContentType | None:
    """The type the bytes themselves say, or None for anything else (an executable named .jpg)."""
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    return None


def looks_like_pdf(content: bytes) -> bool:
    return re.match(rb"%PDF-[12]\.\d", content) is not None and b"%%EOF" in content[-_PDF_TAIL:]


_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


def stored_name(name: str | None, content_type: ContentType) -> str:
    """The file's name as it is offered back: the last part of what the browser sent, without
    characters that mean something to a file system or a header, and with the extension of
    what the content is («Паспорт.exe» that is a PNG becomes «Паспорт.exe.png»)."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = _UNSAFE.sub("_", base).strip(" .") or "file"
    extensions = EXTENSIONS[content_type]
    if not base.lower().endswith(extensions):
        base += extensions[0]
    if len(base) > NAME_MAX_LENGTH:
        stem, dot, extension = base.rpartition(".")
        base = stem[: NAME_MAX_LENGTH - len(extension) - 1] + dot + extension
    return base


@dataclass(frozen=True)
class Upload:
    """A file as it came in a form: the name the browser gave and its bytes, not yet judged."""

    name: str | None
    content: bytes


@dataclass(frozen=True)
class StoredFile:
    """A file judged and cleaned, as it is kept."""

    name: str
    content_type: ContentType
    content: bytes

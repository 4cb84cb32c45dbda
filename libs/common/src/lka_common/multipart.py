"""Reading a multipart form with files as it streams in, with the limits applied on the way.

Starlette's own parser (`request.form()`) keeps each file whole, spooled to a temporary file,
and lets a route see a file only once all of it has arrived; its `max_part_size` bounds the
plain fields, not the files. Here python-multipart is fed the body chunk by chunk and each
file is counted as it grows: the byte past `max_file_bytes` ends the reading with
`FileTooLarge` (the route answers 413 at once; uvicorn discards what the caller still sends),
so a file never takes more than that much memory however large it is sent. The file past
`max_files` is refused as soon as its part begins (`TooManyFiles`). The whole body is bounded
before that by the shared middleware (the upload routes' limit, lka_common.body_limits), plain
fields here by `FIELD_MAX_BYTES` and `MAX_FIELDS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from lka_common.problems import Problem, validation_problem
from lka_common.validation_ru import russian_message

if TYPE_CHECKING:  # a type python-multipart defines for type checkers only
    from python_multipart.multipart import MultipartCallbacks

FIELD_MAX_BYTES = 64 * 1024
MAX_FIELDS = 10
MULTIPART_EXPECTED = "Ожидается форма multipart/form-data"
FORM_UNREADABLE = "Не удалось прочитать форму: отправьте ее еще раз"
UNKNOWN_FIELD = russian_message({"type": "extra_forbidden"})


class FileTooLarge(Exception):
    """A file went past `max_file_bytes` while it streamed in."""


class TooManyFiles(Exception):
    """A form carried more than `max_files` files."""


@dataclass(frozen=True)
class FormFile:
    """A file as it came: the name the browser gave and its bytes, not yet judged."""

    name: str | None
    content: bytes


@dataclass(frozen=True)
class Form:
    fields: dict[str, str]
    files: list[FormFile]


@dataclass(frozen=True)
class FormLimits:
    files_field: str
    max_files: int
    max_file_bytes: int


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    is_file: bool = False
    data: bytearray = field(default_factory=bytearray)


class _BadForm(Exception):
    pass


class _FormReader:
    def __init__(self, limits: FormLimits) -> None:
        self.limits = limits
        self.fields: dict[str, str] = {}
        self.files: list[FormFile] = []
        self._part = _Part()
        self._header_name = b""
        self._header_value = b""
        self._field_count = 0

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value_part,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self._part = _Part()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._part.headers[self._header_name.lower()] = self._header_value
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._part.headers.get(b"content-disposition", b""))
        self._part.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            self._part.is_file = True
            self._part.filename = options[b"filename"].decode("utf-8", "replace")
            if len(self.files) >= self.limits.max_files:
                raise TooManyFiles
        else:
            self._field_count += 1
            if self._field_count > MAX_FIELDS:
                raise _BadForm

    def _data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        part.data += data[start:end]
        limit = self.limits.max_file_bytes if part.is_file else FIELD_MAX_BYTES
        if len(part.data) > limit:
            raise FileTooLarge if part.is_file else _BadForm

    def _end(self) -> None:
        part = self._part
        if part.is_file and part.name == self.limits.files_field:
            # A file input left empty still sends a part, with no file name and no bytes.
            if part.filename or part.data:
                self.files.append(FormFile(part.filename, bytes(part.data)))
        elif part.is_file:
            # A file under another name: a field the form does not have, refused as one (an empty
            # value here would be dropped by `validated` as a field left empty, and the caller's
            # file lost without a word).
            raise validation_problem([{"field": part.name or "body", "message": UNKNOWN_FIELD}])
        else:
            self.fields[part.name] = part.data.decode("utf-8", "replace")
        self._part = _Part()


async def read_form(request: Request, limits: FormLimits) -> Form:
    """The form's plain fields and its files (`limits.files_field`), read within `limits`:
    415 for a body that is not a form, 422 for one that cannot be read. A form without files
    may come urlencoded too (a browser sends one so when it has no file input)."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type == b"application/x-www-form-urlencoded":
        return await _read_urlencoded(request)
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise Problem(415, "unsupported_media_type", MULTIPART_EXPECTED)
    reader = _FormReader(limits)
    parser = MultipartParser(boundary, reader.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except (FormParserError, _BadForm):
        raise validation_problem([{"field": "body", "message": FORM_UNREADABLE}]) from None
    return Form(reader.fields, reader.files)


async def _read_urlencoded(request: Request) -> Form:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > FIELD_MAX_BYTES * MAX_FIELDS:
            raise validation_problem([{"field": "body", "message": FORM_UNREADABLE}])
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise validation_problem([{"field": "body", "message": FORM_UNREADABLE}]) from None
    return Form(dict(pairs), [])


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], fields: dict[str, str]) -> M:
    """The form's plain fields as `model` takes them, or the usual 422 naming each field. A field
    left empty in a browser form is as if it were not sent."""
    try:
        return model.model_validate({name: value for name, value in fields.items() if value != ""})
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors(include_url=False)]
        ) from None


def form_body(fields: dict[str, Any], required: list[str], limits: FormLimits, files: str) -> dict[str, Any]:
    """The OpenAPI `requestBody` (for `openapi_extra`) of a form with these plain fields and up
    to `limits.max_files` files described by `files`."""
    properties = {
        **fields,
        limits.files_field: {
            "type": "array",
            "maxItems": limits.max_files,
            "items": {"type": "string", "format": "binary"},
            "description": files,
        },
    }
    schema = {"type": "object", "properties": properties, "required": required}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}

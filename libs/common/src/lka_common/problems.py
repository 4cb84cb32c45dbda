"""RFC 9457 problem details: one error shape for every service (docs/contract.md §2).

`detail` and `errors[].message` are Russian, for a person; `code` is stable snake_case, for a
program. A 5xx body is generic and never carries a stack trace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from lka_common.messaging.errors import is_transient
from lka_common.validation_ru import field_name, russian_message

log = structlog.get_logger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

_HTTP_DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Некорректный запрос"),
    401: ("unauthorized", "Требуется вход в личный кабинет"),
    403: ("forbidden", "Недостаточно прав"),
    404: ("not_found", "Ресурс не найден"),
    405: ("method_not_allowed", "Метод не поддерживается для этого адреса"),
    406: ("not_acceptable", "Запрошенный формат ответа не поддерживается"),
    409: ("conflict", "Конфликт с текущим состоянием"),
    413: ("payload_too_large", "Тело запроса слишком велико"),
    415: ("unsupported_media_type", "Ожидается тело в формате JSON"),
    422: ("validation_error", "Проверьте правильность заполнения полей"),
    429: ("too_many_requests", "Слишком много запросов. Повторите попытку позже"),
    500: ("internal_error", "Внутренняя ошибка. Повторите попытку позже"),
    502: ("bad_gateway", "Сервис ответил некорректно. Повторите попытку позже"),
    503: ("service_unavailable", "Сервис временно недоступен. Повторите попытку позже"),
    504: ("gateway_timeout", "Сервис не ответил вовремя. Повторите попытку позже"),
}

_TITLES: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Problem(Exception):
    """Raise from a router to answer with a problem document."""

    def __init__(
        self,
        status: int,
        code: str | None = None,
        detail: str | None = None,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        default_code, default_detail = _HTTP_DEFAULTS.get(status, ("error", "Ошибка"))
        self.status = status
        self.code = code or default_code
        self.detail = detail or default_detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra
        super().__init__(f"{status} {self.code}")

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://lk.crimea-energy.ru/problems/{self.code.replace('_', '-')}",
            "title": _TITLES.get(self.status, "Error"),
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers, media_type=PROBLEM_CONTENT_TYPE)


def validation_problem(
    errors: list[dict[str, str]], code: str = "validation_error", detail: str | None = None
) -> Problem:
    return Problem(422, code, detail, errors=errors)


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return exc.response()

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400 and exc.detail == _UNDECODABLE_BODY:
            # FastAPI answers a body that is not even UTF-8 with a bare 400, and one that decodes
            # but is not JSON with 422 `json_invalid`: the same mistake, and 422 is the status
            # every route documents (a 400 would be an answer no document lists).
            return validation_problem(
                [{"field": "body", "message": russian_message({"type": "json_invalid"})}]
            ).response()
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette's `Allow` names only the first route of the path (GET of `/accounts`,
            # not POST); RFC 9110 wants every method the resource supports.
            headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
        detail = exc.detail if isinstance(exc.detail, str) and _is_ours(exc.detail) else None
        return Problem(exc.status_code, detail=detail, headers=headers).response()

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [{"field": field_name(e.get("loc", ())), "message": russian_message(e)} for e in exc.errors()]
        return validation_problem(errors).response()

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)


RefusalT = TypeVar("RefusalT", bound=Exception)


def install_domain_errors(app: FastAPI, base: type[RefusalT], problem_for: Callable[[RefusalT], Problem]) -> None:
    """A service's refusals (`base` and every subclass its domain raises) answered as its
    `problem_for` says: one status, code and Russian detail for each."""

    async def on_refusal(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, base)
        return problem_for(exc).response()

    app.add_exception_handler(base, on_refusal)


_UNDECODABLE_BODY = "There was an error parsing the body"  # FastAPI's own words, fastapi/routing.py


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed_methods(request: Request) -> str:
    """Every method some route of the app takes at the request's path."""
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


def problem_for_unexpected(exc: BaseException, path: str) -> Problem:
    """The answer to an exception nothing else handled: 503 for an unreachable dependency
    (the database down answers within its connect timeout), else a generic 500."""
    if is_transient(exc):
        log.warning("dependency_unavailable", path=path, error=repr(exc))
        return Problem(503, headers={"Retry-After": "2"})
    log.error("unhandled_error", path=path, exc_info=exc)
    return Problem(500)


def _is_ours(detail: str) -> bool:
    """Starlette's own details are English ("Not Found"); only Russian ones are passed on."""
    return any("а" <= ch.lower() <= "я" for ch in detail)

"""Russian messages for pydantic's validation errors, for `errors[].message` (docs/contract.md §2).

Our own validators raise `ValueError` with a Russian sentence; pydantic prefixes it with
"Value error, ", which is stripped here. Everything else maps by the error `type`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_MESSAGES: dict[str, str] = {
    "missing": "Обязательное поле",
    "extra_forbidden": "Неизвестное поле",
    "json_invalid": "Тело запроса не является корректным JSON",
    "json_type": "Ожидается JSON",
    "model_attributes_type": "Ожидается объект",
    "model_type": "Ожидается объект",
    "dict_type": "Ожидается объект",
    "list_type": "Ожидается список",
    "string_type": "Ожидается строка",
    "string_pattern_mismatch": "Неверный формат",
    "int_type": "Ожидается целое число",
    "int_parsing": "Ожидается целое число",
    "int_from_float": "Ожидается целое число",
    "float_type": "Ожидается число",
    "float_parsing": "Ожидается число",
    "decimal_type": "Ожидается число",
    "decimal_parsing": "Ожидается число",
    "decimal_max_places": "Не более {decimal_places} знаков после запятой",
    "decimal_max_digits": "Слишком длинное число",
    "finite_number": "Ожидается конечное число",
    "bool_type": "Ожидается true или false",
    "bool_parsing": "Ожидается true или false",
    "greater_than": "Значение должно быть больше {gt}",
    "greater_than_equal": "Значение должно быть не меньше {ge}",
    "less_than": "Значение должно быть меньше {lt}",
    "less_than_equal": "Значение должно быть не больше {le}",
    "too_short": "Слишком мало элементов",
    "too_long": "Слишком много элементов",
    "literal_error": "Допустимые значения: {expected}",
    "enum": "Допустимые значения: {expected}",
    "uuid_type": "Некорректный идентификатор",
    "uuid_parsing": "Некорректный идентификатор",
    "datetime_type": "Ожидается дата и время в формате ISO 8601",
    "datetime_parsing": "Ожидается дата и время в формате ISO 8601",
    "datetime_from_date_parsing": "Ожидается дата и время в формате ISO 8601",
    "date_type": "Ожидается дата в формате ГГГГ-ММ-ДД",
    "date_parsing": "Ожидается дата в формате ГГГГ-ММ-ДД",
    "date_from_datetime_parsing": "Ожидается дата в формате ГГГГ-ММ-ДД",
    "url_parsing": "Некорректный адрес",
    "url_type": "Некорректный адрес",
}
_FALLBACK = "Некорректное значение"
_VALUE_ERROR_PREFIXES = ("Value error, ", "Assertion failed, ")


def russian_message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        message = str(error.get("msg", ""))
        for prefix in _VALUE_ERROR_PREFIXES:
            message = message.removeprefix(prefix)
        return message if _looks_russian(message) else _FALLBACK
    ctx = error.get("ctx") or {}
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "Заполните поле"
        return f"Не менее {_characters(ctx.get('min_length', 0))}"
    if kind == "string_too_long":
        return f"Не более {_characters(ctx.get('max_length', 0))}"
    template = _MESSAGES.get(kind, _FALLBACK)
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def field_name(loc: Sequence[Any]) -> str:
    """`("body", "values", "T1")` -> `values.T1`; the request part (body, query, path) is dropped."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _looks_russian(text: str) -> bool:
    return any("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in text)


def _characters(count: int) -> str:
    """`200 символов`, `21 символа`: the genitive after «не более» / «не менее»."""
    singular = count % 10 == 1 and count % 100 != 11
    return f"{count} символа" if singular else f"{count} символов"

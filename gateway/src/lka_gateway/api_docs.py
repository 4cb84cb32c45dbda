"""`/api/docs`: the merged OpenAPI document as a page a person reads (issue 8).

Drawn here, on the server, as plain HTML: Swagger UI or ReDoc would need a script bundle
from a CDN (this machine and many production networks have no internet, and the page CSP
allows only our own scripts). Every operation with its parameters, body and answers, and
every schema with its fields; the machine-readable document stays at `/api/openapi.json`.
"""

from __future__ import annotations

import html
import json
from typing import Any

from lka_gateway.openapi_merge import Document

DOCS_PATH = "/api/docs"
DOCS_CSS_PATH = "/api/docs.css"
_METHODS = ("get", "post", "put", "delete", "patch")

STYLESHEET = b"""
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a2230;margin:0;background:#f5f7fa}
main{max-width:960px;margin:0 auto;padding:1rem}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:2px solid #0b5cad}
section.op{background:#fff;border:1px solid #d5dbe3;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}
.method{display:inline-block;min-width:4.5em;font-weight:700;color:#fff;background:#0b5cad;border-radius:4px;
padding:0 .4em;text-align:center;text-transform:uppercase}
.method.post{background:#17702e}.method.put{background:#8a5a00}.method.delete{background:#a12020}
code{font-family:ui-monospace,Consolas,monospace;font-size:.95em}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d5dbe3;padding:.25rem .5rem;
text-align:left;vertical-align:top}
pre{background:#eef2f6;padding:.5rem;overflow-x:auto}
a{color:#0b5cad}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type_of(schema: dict[str, Any]) -> str:
    """A short description of a schema: a link for a reference, else its type."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return f'<a href="#schema-{_e(name)}">{_e(name)}</a>'
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return " | ".join(_type_of(part) for part in schema[key])
    kind = schema.get("type", "object")
    if kind == "array":
        return f"array of {_type_of(schema.get('items', {}))}"
    fmt = schema.get("format")
    return _e(f"{kind} ({fmt})" if fmt else kind)


def _parameters(parameters: list[dict[str, Any]]) -> str:
    if not parameters:
        return ""
    rows = "".join(
        f"<tr><td><code>{_e(p['name'])}</code></td><td>{_e(p.get('in', ''))}</td>"
        f"<td>{_type_of(p.get('schema', {}))}</td><td>{'да' if p.get('required') else 'нет'}</td>"
        f"<td>{_e(p.get('description', ''))}</td></tr>"
        for p in parameters
    )
    head = "<tr><th>Параметр</th><th>Где</th><th>Тип</th><th>Обязателен</th><th>Описание</th></tr>"
    return f"<table>{head}{rows}</table>"


def _body(operation: dict[str, Any]) -> str:
    content = operation.get("requestBody", {}).get("content", {})
    return "".join(
        f"<p>Тело запроса ({_e(kind)}): {_type_of(media.get('schema', {}))}</p>" for kind, media in content.items()
    )


def _responses(responses: dict[str, Any]) -> str:
    rows = []
    for status, response in responses.items():
        kinds = response.get("content", {})
        shapes = ", ".join(_type_of(media.get("schema", {})) for media in kinds.values()) or "—"
        rows.append(f"<tr><td>{_e(status)}</td><td>{_e(response.get('description', ''))}</td><td>{shapes}</td></tr>")
    return "<table><tr><th>Ответ</th><th>Описание</th><th>Тело</th></tr>" + "".join(rows) + "</table>"


def _operation(path: str, method: str, operation: dict[str, Any]) -> str:
    anchor = _e(operation.get("operationId", f"{method}-{path}"))
    description = operation.get("description", "")
    return (
        f'<section class="op" id="{anchor}"><h3><span class="method {method}">{method}</span> '
        f"<code>{_e(path)}</code></h3><p>{_e(operation.get('summary', ''))}</p>"
        + (f"<pre>{_e(description)}</pre>" if description else "")
        + _parameters(operation.get("parameters", []))
        + _body(operation)
        + _responses(operation.get("responses", {}))
        + "</section>"
    )


def _schema(name: str, schema: dict[str, Any]) -> str:
    required = set(schema.get("required", []))
    fields = schema.get("properties", {})
    if fields:
        rows = "".join(
            f"<tr><td><code>{_e(field)}</code></td><td>{_type_of(spec)}</td>"
            f"<td>{'да' if field in required else 'нет'}</td><td>{_e(spec.get('description', ''))}</td></tr>"
            for field, spec in fields.items()
        )
        body = "<table><tr><th>Поле</th><th>Тип</th><th>Обязательно</th><th>Описание</th></tr>" + rows + "</table>"
    else:
        body = f"<pre>{_e(json.dumps(schema, ensure_ascii=False, indent=2))}</pre>"
    return f'<section class="op" id="schema-{_e(name)}"><h3>{_e(name)}</h3>{body}</section>'


def render(document: Document) -> str:
    operations = [
        _operation(path, method, item[method])
        for path, item in document.get("paths", {}).items()
        for method in _METHODS
        if method in item
    ]
    schemas = [_schema(name, s) for name, s in sorted(document.get("components", {}).get("schemas", {}).items())]
    title = _e(document.get("info", {}).get("title", "API"))
    return (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title}: описание API</title><link rel="stylesheet" href="{DOCS_CSS_PATH}"></head>'
        f"<body><main><h1>{title}</h1><p>Все вызовы доступны по префиксу <code>/api/v1</code> шлюза. "
        'Документ для программ: <a href="/api/openapi.json">/api/openapi.json</a>.</p>'
        "<h2>Вызовы</h2>" + "".join(operations) + "<h2>Схемы</h2>" + "".join(schemas) + "</main></body></html>"
    )

"""One OpenAPI document from the five services' own (issue 8, "One API description"), and the
gateway's for the calls it answers itself (composed.py: `gateway_document`).

The services already document their calls under the same `/api/v1/...` paths the gateway
serves, so merging is a union, filtered by the routing table: a path goes in only when the
gateway routes it to the service that documented it, with only the methods the table
allows, so `/internal/` calls and anything the gateway would refuse never appear.
Components are pooled; two services' different components of one name (each service has
its own `Problem`, say) are told apart by the service's name, and references follow.
"""

from __future__ import annotations

import copy
from typing import Any

from lka_gateway.composed import own_document
from lka_gateway.routes import GATEWAY, match

Document = dict[str, Any]
_OPERATIONS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def _renamed_refs(node: Any, renames: dict[str, str]) -> Any:
    """A copy of `node` with each `$ref` in `renames` pointing at its new name."""
    if isinstance(node, dict):
        return {
            key: renames.get(value, value) if key == "$ref" else _renamed_refs(value, renames)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_renamed_refs(item, renames) for item in node]
    return node


def _routed_paths(service: str, paths: Document) -> Document:
    kept: Document = {}
    for path, item in paths.items():
        # A documented `{param}` is one segment, as in the table: the template matches itself.
        route = match(path)
        if route is None or route.service != service:
            continue
        operations = {k: v for k, v in item.items() if k not in _OPERATIONS or k.upper() in route.methods}
        if _OPERATIONS & operations.keys():
            kept[path] = operations
    return kept


def merge(docs: dict[str, Document], title: str = "LKA API") -> Document:
    """The gateway's document; `docs` by service name, in a stable order."""
    components: dict[str, Document] = {}
    paths: Document = {}
    tags: dict[str, Document] = {}
    for service, doc in docs.items():
        own = doc.get("components", {})
        renames: dict[str, str] = {}
        for section, entries in own.items():
            pooled = components.get(section, {})
            for name, entry in entries.items():
                if name in pooled and pooled[name] != entry:
                    renames[f"#/components/{section}/{name}"] = f"#/components/{section}/{service}_{name}"
        doc = _renamed_refs(doc, renames) if renames else doc
        for section, entries in doc.get("components", {}).items():
            pooled = components.setdefault(section, {})
            for name, entry in entries.items():
                new = renames.get(f"#/components/{section}/{name}", name).rsplit("/", 1)[-1]
                pooled[new] = entry
        paths.update(_routed_paths(service, doc.get("paths", {})))
        for tag in doc.get("tags", []):
            tags.setdefault(tag["name"], tag)
    first = next(iter(docs.values()), {})
    merged: Document = {
        "openapi": first.get("openapi", "3.1.0"),
        "info": {"title": title, "version": first.get("info", {}).get("version", "0.1.0")},
        "paths": dict(sorted(paths.items())),
        "components": components,
    }
    if tags:
        merged["tags"] = list(tags.values())
    return merged


def gateway_document(docs: dict[str, Document]) -> Document:
    """What `/api/openapi.json` serves: the services' documents (by name) merged with the
    gateway's own, whose paths the routing table gives to the gateway."""
    return merge({**docs, GATEWAY: copy.deepcopy(own_document())})

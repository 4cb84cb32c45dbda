"""A minimal kustomize renderer for the deploy tests: `deploy/k8s/` rendered as kubectl would.

There is no Docker engine on the development machines or in CI, and kubectl is not everywhere, so
the deployment files are checked statically. `render` implements the subset of kustomize (v5)
that `deploy/k8s/` uses, in kustomize's order and with its semantics, and refuses anything else,
so a new kustomize feature in the manifests fails loudly here instead of being silently ignored:

- `resources`: files (one or more YAML documents) and directories with a Kustomization; adding
  an object whose (apiVersion, kind, namespace, name) is already there is an error;
- `components`: directories with a `kind: Component` kustomization, applied in order to the
  objects accumulated so far (its resources are added to them, then its own transformers run on
  all of them), after `resources` and before the kustomization's own transformers;
- then the transformers, in kustomize's order: `patches`, `namespace`, `images`, `replacements`:
  - `patches`: strategic-merge patches (from `path:` or inline `patch:`) matched on kind and
    name, or JSON 6902 patches (`op` add / replace / remove) on a `target` selected by kind,
    name and an equality `labelSelector` (selector names are plain names: kustomize reads them
    as regular expressions);
  - `namespace`: set on every namespaced object, and the name of the Namespace object;
  - `images`: `newName` / `newTag` for containers whose image name matches;
  - `replacements`: a scalar `source` (`kind`, `name`, `fieldPath`) copied into the `fieldPaths`
    of the objects each target `select`s (kind, name, equality `labelSelector`), whole or, with
    `options` `delimiter` / `index`, as one part of the target's value; a target keeps its type
    (an int stays an int), a missing target field is an error. Field paths are dotted keys,
    list indexes and `[a.b/c]` for a key with dots;
- objects annotated `config.kubernetes.io/local-config` (not "false") are left out of the output;
- a YAML alias (`*id001`) is a copy, as in kustomize, never the same object.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

Obj = dict[str, Any]

# The kustomization fields `render` implements; a Component takes the same ones.
SUPPORTED_KEYS = {"apiVersion", "kind", "namespace", "resources", "components", "patches", "images", "replacements"}
KUSTOMIZATION_API = "kustomize.config.k8s.io/v1beta1"
COMPONENT_API = "kustomize.config.k8s.io/v1alpha1"
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"}
LOCAL_CONFIG = "config.kubernetes.io/local-config"
# Selector names are anchored regular expressions in newer kustomize and exact in older ones:
# plain names mean the same in both.
PLAIN_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
LABEL_TERM = re.compile(r"([A-Za-z0-9][A-Za-z0-9._/-]*)=([A-Za-z0-9._-]*)")


class RenderError(ValueError):
    """The kustomization uses something this renderer does not implement, or a patch misses."""


def load_documents(path: Path) -> list[Obj]:
    # A YAML alias is a copy in kustomize, never the same object.
    return [_unshared(doc) for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def _unshared(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _unshared(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unshared(item) for item in value]
    return value


def render(directory: Path) -> list[Obj]:
    """The objects `kubectl kustomize <directory>` prints (for the features listed above)."""
    objects = _accumulate(directory, [], component=False)
    return [obj for obj in objects if obj["metadata"].get("annotations", {}).get(LOCAL_CONFIG, "false") == "false"]


def _accumulate(directory: Path, objects: list[Obj], *, component: bool) -> list[Obj]:
    """A kustomization's objects, or, for a component, `objects` with the component applied."""
    kustomization = _load_kustomization(directory, component=component)
    for resource in kustomization.get("resources", []):
        path = (directory / resource).resolve()
        _add(objects, _accumulate(path, [], component=False) if path.is_dir() else load_documents(path), directory)
    for path in kustomization.get("components", []):
        objects = _accumulate((directory / path).resolve(), objects, component=True)
    for patch in kustomization.get("patches", []):
        _apply_patch(objects, patch, directory)
    if "namespace" in kustomization:
        _set_namespace(objects, kustomization["namespace"])
    for image in kustomization.get("images", []):
        _set_image(objects, image)
    for replacement in kustomization.get("replacements", []):
        _replace(objects, replacement)
    return objects


def _load_kustomization(directory: Path, *, component: bool) -> Obj:
    kustomization: Obj = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    unknown = set(kustomization) - SUPPORTED_KEYS
    if unknown:
        raise RenderError(f"{directory}: kustomize fields not implemented by the test renderer: {sorted(unknown)}")
    expected = ("Component", COMPONENT_API) if component else ("Kustomization", KUSTOMIZATION_API)
    found = (kustomization.get("kind", "Kustomization"), kustomization.get("apiVersion", KUSTOMIZATION_API))
    if found != expected:
        raise RenderError(f"{directory}: expected kind {expected[0]} ({expected[1]}), found {found[0]} ({found[1]})")
    return kustomization


def _object_id(obj: Obj) -> tuple[str, str, str, str]:
    return obj["apiVersion"], obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"]


def _add(objects: list[Obj], new: list[Obj], directory: Path) -> None:
    ids = {_object_id(obj) for obj in objects}
    for obj in new:
        if _object_id(obj) in ids:
            raise RenderError(f"{directory}: may not add resource with an already registered id {_object_id(obj)}")
        ids.add(_object_id(obj))
        objects.append(obj)


def _apply_patch(objects: list[Obj], entry: Obj, directory: Path) -> None:
    unknown = set(entry) - {"path", "patch", "target"}
    if unknown:
        raise RenderError(f"patch fields not implemented: {sorted(unknown)}")
    documents = load_documents(directory / entry["path"]) if "path" in entry else [yaml.safe_load(entry["patch"])]
    if len(documents) != 1:
        raise RenderError(f"one patch per entry, please: {entry}")
    body = documents[0]
    if isinstance(body, list):  # JSON 6902
        targets = _select(objects, entry.get("target") or {})
        if not targets:
            raise RenderError(f"JSON patch matches nothing: {entry.get('target')}")
        for obj in targets:
            for operation in body:
                _json_patch(obj, operation)
        return
    selector = entry.get("target") or {"kind": body["kind"], "name": body["metadata"]["name"]}
    targets = _select(objects, selector)
    if not targets:
        raise RenderError(f"strategic-merge patch matches nothing: {selector}")
    for obj in targets:
        merged = strategic_merge(obj, body)
        obj.clear()
        obj.update(merged)


def _select(objects: list[Obj], target: Obj) -> list[Obj]:
    """The objects a patch target or a replacement's `select` names (kind, name, labels)."""
    unknown = set(target) - {"kind", "name", "labelSelector"}
    if unknown:
        raise RenderError(f"selector fields not implemented: {sorted(unknown)}")
    if "name" in target and not PLAIN_NAME.fullmatch(target["name"]):
        raise RenderError(f"selector names are plain names here (kustomize reads a regex): {target['name']}")
    labels: dict[str, str] = {}
    if target.get("labelSelector"):
        for term in target["labelSelector"].split(","):
            match = LABEL_TERM.fullmatch(term.strip())
            if not match:
                raise RenderError(f"only equality label selectors are implemented: {target['labelSelector']}")
            labels[match[1]] = match[2]
    return [
        obj
        for obj in objects
        if obj["kind"] == target.get("kind", obj["kind"])
        and obj["metadata"]["name"] == target.get("name", obj["metadata"]["name"])
        and all(obj["metadata"].get("labels", {}).get(key) == value for key, value in labels.items())
    ]


def strategic_merge(base: Any, patch: Any) -> Any:
    """Maps merge key by key; lists of maps that all have a `name` merge by name; other lists are replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = copy.deepcopy(base)
        for key, value in patch.items():
            merged[key] = strategic_merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and _named(base) and _named(patch):
        merged_list = copy.deepcopy(base)
        index = {item["name"]: position for position, item in enumerate(merged_list)}
        for item in patch:
            if item["name"] in index:
                merged_list[index[item["name"]]] = strategic_merge(merged_list[index[item["name"]]], item)
            else:
                merged_list.append(copy.deepcopy(item))
        return merged_list
    return copy.deepcopy(patch)


def _named(items: list[Any]) -> bool:
    return bool(items) and all(isinstance(item, dict) and "name" in item for item in items)


def _json_patch(obj: Obj, operation: Obj) -> None:
    op, path = operation["op"], operation["path"]
    if op not in {"add", "replace", "remove"}:
        raise RenderError(f"JSON patch op not implemented: {op}")
    keys = [part.replace("~1", "/").replace("~0", "~") for part in path.lstrip("/").split("/")]
    parent: Any = obj
    for key in keys[:-1]:
        parent = parent[int(key)] if isinstance(parent, list) else parent[key]
    last = keys[-1]
    value = copy.deepcopy(operation.get("value"))
    if isinstance(parent, list):
        if op == "add":
            parent.insert(len(parent) if last == "-" else int(last), value)
        elif op == "replace":
            parent[int(last)] = value
        else:
            del parent[int(last)]
        return
    if op == "replace" and last not in parent:
        raise RenderError(f"JSON patch replaces a missing field {path} in {obj['kind']}/{obj['metadata']['name']}")
    if op == "remove":
        del parent[last]
    else:
        parent[last] = value


def _replace(objects: list[Obj], replacement: Obj) -> None:
    """One entry of `replacements`: the source's value into every target field, in order."""
    if set(replacement) != {"source", "targets"}:
        raise RenderError(f"replacement fields not implemented (a source and targets, please): {sorted(replacement)}")
    source = replacement["source"]
    unknown = set(source) - {"kind", "name", "fieldPath"}
    if unknown:
        raise RenderError(f"replacement source fields not implemented: {sorted(unknown)}")
    origins = _select(objects, {key: source[key] for key in ("kind", "name") if key in source})
    if len(origins) != 1:
        raise RenderError(f"a replacement source must select exactly one object, not {len(origins)}: {source}")
    parent, key = _field(origins[0], source.get("fieldPath", "metadata.name"))
    value = parent[key]
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise RenderError(f"a replacement source must be a non-empty string or integer: {source}")
    for target in replacement["targets"]:
        unknown = set(target) - {"select", "fieldPaths", "options"}
        if unknown or "select" not in target:
            raise RenderError(f"replacement target fields not implemented (select, fieldPaths, options): {target}")
        options = target.get("options", {})
        if set(options) - {"delimiter", "index"}:
            raise RenderError(f"replacement options not implemented: {sorted(options)}")
        for obj in _select(objects, target["select"]):
            for field_path in target.get("fieldPaths", ["metadata.name"]):
                parent, key = _field(obj, field_path)
                parent[key] = _replaced(parent[key], str(value), options, f"{obj['kind']}/{obj['metadata']['name']}")


def _replaced(current: Any, value: str, options: Obj, where: str) -> Any:
    """kustomize copies the text into a scalar target and keeps the target's type."""
    if isinstance(current, bool) or not isinstance(current, (str, int)):
        raise RenderError(f"{where}: only string and integer fields are replaced here, not {current!r}")
    if options.get("delimiter"):
        parts = str(current).split(options["delimiter"])
        index = options.get("index", 0)
        if index < 0:
            parts.insert(0, value)
        elif index >= len(parts):
            parts.append(value)
        else:
            parts[index] = value
        value = options["delimiter"].join(parts)
    if isinstance(current, int):
        if not value.isdigit():
            raise RenderError(f"{where}: {value!r} replaces an integer")
        return int(value)
    return value


def _field(obj: Obj, field_path: str) -> tuple[Any, Any]:
    """(container, key) of an existing field, split like kustomize splits a fieldPath."""
    parts = _field_path_parts(field_path)
    where = f"{obj['kind']}/{obj['metadata']['name']}"
    node: Any = obj
    for position, part in enumerate(parts):
        if part == "*" or (part.startswith("[") and part.endswith("]")):
            raise RenderError(f"fieldPath element not implemented: {part} in {field_path}")
        key: Any
        if part.isdigit():  # kustomize reads a number as a list index, whatever the node
            if not isinstance(node, list) or int(part) >= len(node):
                raise RenderError(f"{where}: unable to find field {field_path!r} (no item {part})")
            key = int(part)
        else:
            if not isinstance(node, dict) or part not in node:
                raise RenderError(f"{where}: unable to find field {field_path!r} in replacement target")
            key = part
        if position == len(parts) - 1:
            return node, key
        node = node[key]
    raise RenderError(f"empty fieldPath: {field_path!r}")


def _field_path_parts(field_path: str) -> list[str]:
    """kustomize's SmarterPathSplitter on ".": `\\.` escapes a dot, `[a.b/c]` is one key with dots."""
    split: list[str] = []
    for piece in field_path.split("."):
        if split and split[-1].endswith("\\"):
            split[-1] = split[-1][:-1] + "." + piece
        else:
            split.append(piece)
    if len(split) > 1 and split[0] == "":
        split = split[1:]
    parts: list[str] = []
    pieces = iter(split)
    for piece in pieces:
        if piece.startswith("[") and not piece.endswith("]"):
            bracketed = [piece]
            for following in pieces:
                bracketed.append(following)
                if following.endswith("]"):
                    break
            joined = ".".join(bracketed)
            parts.append(joined if "=" in joined else joined.strip("[]"))
        else:
            parts.append(piece)
    return parts


def _set_namespace(objects: list[Obj], namespace: str) -> None:
    for obj in objects:
        if obj["kind"] == "Namespace":
            obj["metadata"]["name"] = namespace
        elif obj["kind"] not in CLUSTER_SCOPED:
            obj["metadata"]["namespace"] = namespace


def split_image(image: str) -> tuple[str, str]:
    """`registry/name:tag` -> (`registry/name`, `tag`); a port in the registry is not a tag."""
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:
        return image, "latest"
    return name, tag


def pod_specs(obj: Obj) -> list[Obj]:
    """The pod spec of a workload (Deployment, Job), or none."""
    spec = obj.get("spec", {})
    if obj["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "Job"}:
        return [spec["template"]["spec"]]
    if obj["kind"] == "CronJob":
        return [spec["jobTemplate"]["spec"]["template"]["spec"]]
    return []


def containers(obj: Obj) -> list[Obj]:
    return [c for pod in pod_specs(obj) for c in pod.get("initContainers", []) + pod.get("containers", [])]


def _set_image(objects: list[Obj], image: Obj) -> None:
    if set(image) - {"name", "newName", "newTag"}:
        raise RenderError(f"image fields not implemented: {sorted(image)}")
    for obj in objects:
        for container in containers(obj):
            name, tag = split_image(container["image"])
            if name == image["name"]:
                container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag)}"

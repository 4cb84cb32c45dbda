"""What the deploy tests share: where things are, and a minimal kustomize renderer.

There is no Docker engine and no kubectl on the development machines or in CI, so the
deployment files are checked statically. `render` implements the subset of kustomize that
`deploy/k8s/` uses and refuses anything else, so a new kustomize feature in the manifests
fails loudly here instead of being silently ignored:

- `resources`: files (one or more YAML documents) and directories with a kustomization.yaml;
- `namespace`: set on every namespaced object, and the name of the Namespace object;
- `images`: `newName` / `newTag` for containers whose image name matches;
- `patches`: strategic-merge patches (from `path:` or inline `patch:`) matched on kind and
  name, or JSON 6902 patches (`op` add / replace / remove) on a `target` selected by kind,
  name and an equality `labelSelector`.
"""

from __future__ import annotations

import copy
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lka_common.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"

# API ports (docs/contract.md §1); consumers probe on port + 100, relays on port + 200.
SERVICES = {"identity": 8001, "accounts": 8002, "readings": 8003, "payments": 8004, "notifications": 8005}
GATEWAY_PORT = 8000
# The five services' images share one Dockerfile, told which service by build args.
SERVICE_DOCKERFILE = "services/Dockerfile"


@dataclass(frozen=True)
class ImageBuild:
    """How an image is built from the repository root, and the port its HEALTHCHECK probes."""

    dockerfile: str
    health_port: int
    args: dict[str, str] = field(default_factory=dict)


def service_build_args(svc: str) -> dict[str, str]:
    """The build args of a service's image (see the head of services/Dockerfile)."""
    port = SERVICES[svc]
    return {
        "SERVICE": svc,
        "SETTINGS_PREFIX": f"LKA_{svc.upper()}_",
        "API_PORT": str(port),
        "CONSUMER_PORT": str(port + 100),
        "RELAY_PORT": str(port + 200),
    }


# Image name -> how it is built.
IMAGES = {
    **{f"lka/{svc}": ImageBuild(SERVICE_DOCKERFILE, port, service_build_args(svc)) for svc, port in SERVICES.items()},
    "lka/gateway": ImageBuild("gateway/Dockerfile", GATEWAY_PORT),
    "lka/mailcatcher": ImageBuild("tools/mailcatcher/Dockerfile", 8025),
    "lka/acquirer-emulator": ImageBuild("tools/acquirer_emulator/Dockerfile", 8090),
    "lka/billing-simulator": ImageBuild("tools/billing_simulator/Dockerfile", 8095),
}
OVERLAYS = ("dev", "prod")
# docker-compose.yml tags its images `${LKA_IMAGE_TAG:-dev}`; the dev overlay runs the same tag.
COMPOSE_TAG = "${LKA_IMAGE_TAG:-dev}"
DEFAULT_TAG = "dev"

Obj = dict[str, Any]

SUPPORTED_KEYS = {"apiVersion", "kind", "namespace", "resources", "images", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"}


class RenderError(ValueError):
    """The kustomization uses something this renderer does not implement, or a patch misses."""


def load_documents(path: Path) -> list[Obj]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def render(directory: Path) -> list[Obj]:
    """The objects `kubectl kustomize <directory>` prints (for the features listed above)."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text(encoding="utf-8"))
    unknown = set(kustomization) - SUPPORTED_KEYS
    if unknown:
        raise RenderError(f"{directory}: kustomize fields not implemented by the test renderer: {sorted(unknown)}")
    objects: list[Obj] = []
    for resource in kustomization.get("resources", []):
        path = (directory / resource).resolve()
        objects += render(path) if path.is_dir() else load_documents(path)
    for patch in kustomization.get("patches", []):
        _apply_patch(objects, patch, directory)
    if "namespace" in kustomization:
        _set_namespace(objects, kustomization["namespace"])
    for image in kustomization.get("images", []):
        _set_image(objects, image)
    return objects


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
    unknown = set(target) - {"kind", "name", "labelSelector"}
    if unknown:
        raise RenderError(f"patch target fields not implemented: {sorted(unknown)}")
    labels: dict[str, str] = {}
    if target.get("labelSelector"):
        for term in target["labelSelector"].split(","):
            key, _, value = term.partition("=")
            labels[key.strip()] = value.strip()
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
    if isinstance(parent, list):
        if op == "add":
            parent.insert(len(parent) if last == "-" else int(last), operation["value"])
        elif op == "replace":
            parent[int(last)] = operation["value"]
        else:
            del parent[int(last)]
        return
    if op == "replace" and last not in parent:
        raise RenderError(f"JSON patch replaces a missing field {path} in {obj['kind']}/{obj['metadata']['name']}")
    if op == "remove":
        del parent[last]
    else:
        parent[last] = operation["value"]


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
    for obj in objects:
        for container in containers(obj):
            name, tag = split_image(container["image"])
            if name == image["name"]:
                container["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag)}"


def find(objects: list[Obj], kind: str, name: str) -> Obj:
    matches = [obj for obj in objects if obj["kind"] == kind and obj["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} objects"
    return matches[0]


def container_env(objects: list[Obj], container: Obj) -> dict[str, str]:
    """The variables a container gets from its ConfigMaps (values) and Secrets (`<secret>` marks)."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(find(objects, "ConfigMap", source["configMapRef"]["name"])["data"])
        if "secretRef" in source:
            env.update(dict.fromkeys(secret_keys(source["secretRef"]["name"]), "<secret>"))
    for variable in container.get("env", []):
        env[variable["name"]] = variable.get("value", "<from>")
    return env


def secret_keys(name: str) -> set[str]:
    """Keys of a Secret the platform provides, as the example documents them."""
    for secret in load_documents(K8S / "base" / "secret.example.yaml"):
        if secret["metadata"]["name"] == name:
            return set(secret.get("stringData", {})) | set(secret.get("data", {}))
    raise AssertionError(f"Secret {name} is referenced but not documented in secret.example.yaml")


def settings_class(svc: str) -> type[ServiceSettings]:
    """The settings class of a service (the one `ServiceSettings` subclass named after it)."""
    module = importlib.import_module(f"lka_{svc}.settings")
    (cls,) = [
        v
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, ServiceSettings) and v.service_name == svc
    ]
    return cls


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values

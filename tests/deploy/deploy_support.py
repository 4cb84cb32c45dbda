"""What the deploy tests share: where the deployment files are; the inventory the Dockerfiles,
docker-compose.yml and deploy/k8s/ must agree on (the services, each one's processes, how each
image is built, the overlays and the image tag); what a rendered object gives a container
(`find`, `container_env`, the Secrets the example documents); each service's settings class and
an `.env` reader. The objects are rendered by kustomize_support.py, kept apart as it is a
renderer with rules of its own, not an inventory.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from kustomize_support import Obj, load_documents

from lka_common.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"

# API ports (docs/contract.md §1); consumers probe on port + 100, relays on port + 200.
SERVICES = {"identity": 8001, "accounts": 8002, "readings": 8003, "payments": 8004, "notifications": 8005}
GATEWAY_PORT = 8000


def has_consumer(svc: str) -> bool:
    """A service that consumes no event has no consumer module, and so no consumer process
    anywhere (tools/check_template.py, WITHOUT_CONSUMER)."""
    return (ROOT / "services" / svc / "src" / f"lka_{svc}" / "entrypoints" / "consumer.py").is_file()


def processes(svc: str) -> tuple[str, ...]:
    """The long-running processes of a service."""
    return ("api", "consumer", "relay") if has_consumer(svc) else ("api", "relay")


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

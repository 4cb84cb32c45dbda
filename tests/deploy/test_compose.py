"""docker-compose.yml: valid against the Compose specification, ordered by health, complete."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
from deploy_support import COMPOSE_TAG, IMAGES, ROOT, SERVICES, processes, read_env_file

SCHEMA = ROOT / "deploy" / "schemas" / "compose-spec.json"
SERVERS = ("postgres", "rabbitmq", "redis")
# Upstream images too, pinned; their configuration is checked in tests/monitoring.
MONITORING = ("prometheus", "grafana")
PINNED = re.compile(r"^[\w./-]+:v?\d+\.\d+\.\d+$")
ONE_SHOT = "service_completed_successfully"
PROBE_URL = re.compile(r"http://127\.0\.0\.1:(\d+)(/\w+)")


def test_validates_against_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(compose)]
    assert not errors, "\n".join(errors)


def test_servers_start_alone(compose: dict[str, Any]) -> None:
    """`docker compose up -d postgres rabbitmq redis` (for `make run`) needs nothing else."""
    for name in SERVERS:
        server = compose["services"][name]
        assert "depends_on" not in server and "build" not in server
        assert server["ports"][0].startswith("127.0.0.1:")
        assert server["healthcheck"]["test"]
    assert "management" in compose["services"]["rabbitmq"]["image"]


def test_postgres_init_creates_a_database_and_a_role_per_service(compose: dict[str, Any]) -> None:
    mounts = compose["services"]["postgres"]["volumes"]
    (init,) = [m for m in mounts if "/docker-entrypoint-initdb.d/" in m]
    sql = (ROOT / init.split(":")[0]).read_text(encoding="utf-8")
    for svc in SERVICES:
        # The same role/password the services derive from LKA_POSTGRES_URL (lka_common.settings).
        assert f"CREATE ROLE lka_{svc} LOGIN PASSWORD 'lka_{svc}';" in sql
        assert f"CREATE DATABASE lka_{svc} OWNER lka_{svc};" in sql


def _depends(service: dict[str, Any]) -> dict[str, str]:
    return {name: spec["condition"] for name, spec in service.get("depends_on", {}).items()}


def _healthchecked(compose: dict[str, Any], name: str) -> bool:
    healthcheck = compose["services"][name].get("healthcheck", {})
    return bool(healthcheck.get("test")) and not healthcheck.get("disable", False)


def test_dependencies_exist_and_are_conditional(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        for dependency, condition in _depends(service).items():
            assert dependency in services, f"{name} -> {dependency}"
            if condition == "service_healthy":
                assert _healthchecked(compose, dependency), f"{name} waits for {dependency}'s health, it has none"
            elif condition == ONE_SHOT:
                assert services[dependency].get("restart") == "no", f"{dependency} is not a one-shot"
            else:
                pytest.fail(f"{name} -> {dependency}: {condition}")
    # No cycle: `docker compose up` can order them.
    order: list[str] = []
    pending = dict.fromkeys(services)
    while pending:
        ready = [n for n in pending if all(d in order for d in _depends(services[n]))]
        assert ready, f"dependency cycle among {sorted(pending)}"
        order += ready
        for n in ready:
            del pending[n]


@pytest.mark.parametrize("svc", sorted(SERVICES))
def test_each_service_migrates_then_runs_api_consumer_relay(compose: dict[str, Any], svc: str) -> None:
    services = compose["services"]
    port = SERVICES[svc]
    migrate = services[f"{svc}-migrate"]
    # Every process of the service runs its image (built with its args: see below); one that
    # consumes no event runs no consumer.
    own = ("migrate", *processes(svc))
    assert {name for name in services if name.startswith(f"{svc}-")} == {f"{svc}-{process}" for process in own}
    for process in own:
        assert services[f"{svc}-{process}"]["image"].partition(":")[0] == f"lka/{svc}", process
    assert migrate["command"] == ["alembic", "upgrade", "head"]
    assert migrate["restart"] == "no" and migrate["healthcheck"] == {"disable": True}
    assert _depends(migrate) == {"postgres": "service_healthy"}
    probe_ports = {"api": port, "consumer": port + 100, "relay": port + 200}
    for process in processes(svc):
        service, probe_port = services[f"{svc}-{process}"], probe_ports[process]
        assert service["command"] == ["python", "-m", f"lka_{svc}.entrypoints.{process}"]
        assert _depends(service)[f"{svc}-migrate"] == ONE_SHOT
        assert _depends(service)["rabbitmq"] == "service_healthy"
        (url,) = PROBE_URL.findall(" ".join(service["healthcheck"]["test"]))
        assert url == (str(probe_port), "/readyz")


def test_gateway_waits_for_every_api_and_listens_on_8000(compose: dict[str, Any]) -> None:
    gateway = compose["services"]["gateway"]
    assert gateway["ports"] == ["127.0.0.1:8000:8000"]
    assert {f"{svc}-api" for svc in SERVICES} <= {d for d, c in _depends(gateway).items() if c == "service_healthy"}
    assert PROBE_URL.findall(" ".join(gateway["healthcheck"]["test"])) == [("8000", "/healthz")]


def test_only_the_gateways_public_port_is_published_and_its_metrics_are_scraped_apart(
    compose: dict[str, Any],
) -> None:
    """The services' API ports (which serve /metrics too) and every worker's probe port stay
    inside the compose network; the gateway's /metrics is on 8100, exposed to that network
    for a Prometheus beside the stack, never published to the host."""
    services = compose["services"]
    for svc in SERVICES:
        for process in processes(svc):
            assert "ports" not in services[f"{svc}-{process}"], f"{svc}-{process}"
    gateway = services["gateway"]
    assert gateway["ports"] == ["127.0.0.1:8000:8000"]
    assert gateway["expose"] == ["8100"]
    assert gateway["labels"] == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "8100",
        "prometheus.io/path": "/metrics",
    }


def test_development_tools_are_there(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for tool, port in (("mailcatcher", 8025), ("acquirer-emulator", 8090), ("billing-simulator", 8095)):
        (url,) = PROBE_URL.findall(" ".join(services[tool]["healthcheck"]["test"]))
        assert url[0] == str(port)
    assert _depends(services["payments-api"])["acquirer-emulator"] == "service_healthy"
    assert _depends(services["notifications-consumer"])["mailcatcher"] == "service_healthy"


def _build(service: dict[str, Any]) -> dict[str, Any]:
    """A service's `build`, its args as a map of strings (Compose takes a list of KEY=VAL too)."""
    build = dict(service["build"])
    if isinstance(build.get("args"), list):
        build["args"] = {key: value for key, _, value in (arg.partition("=") for arg in build["args"])}
    if "args" in build:
        build["args"] = {key: str(value) for key, value in build["args"].items()}
    return build


def test_images_are_built_from_the_dockerfiles(compose: dict[str, Any]) -> None:
    """Each image from its Dockerfile, and a service's from the shared one with exactly its own
    build args: the wrong SERVICE or port for an image fails here."""
    built = set()
    for name, service in compose["services"].items():
        if name in SERVERS + MONITORING:
            continue
        image, _, tag = service["image"].partition(":")
        assert tag == COMPOSE_TAG, name
        expected = IMAGES[image]
        assert _build(service) == {
            "context": ".",
            "dockerfile": expected.dockerfile,
            **({"args": expected.args} if expected.args else {}),
        }, name
        assert service["env_file"] == [".env.example"], name
        built.add(image)
    assert built == set(IMAGES)


def test_monitoring_runs_pinned_images_on_this_machine_only(compose: dict[str, Any]) -> None:
    """Prometheus and Grafana: an exact release each, published on 127.0.0.1 and nowhere else."""
    services = compose["services"]
    for name, port in (("prometheus", 9090), ("grafana", 3000)):
        service = services[name]
        assert PINNED.match(service["image"]), service["image"]
        assert service["ports"] == [f"127.0.0.1:{port}:{port}"], name
        assert _healthchecked(compose, name), name
        assert all(mount.endswith(":ro") for mount in service["volumes"] if mount.startswith("./")), name
    grafana = services["grafana"]["environment"]
    assert grafana["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"
    assert grafana["GF_USERS_ALLOW_SIGN_UP"] == "false"


def test_env_file_is_complete_for_containers() -> None:
    env = read_env_file(ROOT / ".env.example")
    assert env["LKA_ENVIRONMENT"] == "development"
    for key, value in env.items():
        assert key.startswith("LKA_"), key
        assert "127.0.0.1:" not in value or key in {"LKA_PUBLIC_BASE_URL", "LKA_ACQUIRER_EMULATOR_PUBLIC_URL"}, key

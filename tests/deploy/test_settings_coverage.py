"""Every setting a process needs in a container has a value, in compose and in every overlay.

A setting is needed when the process cannot run on its default there: the addresses of its
database, broker and peers (a default that points at 127.0.0.1 is the container itself), its
secrets (SecretStr fields: placeholders are refused in production) and any field without a
default. The test reads the settings classes, so a new field of that kind fails here until
docker-compose (.env.example) and deploy/k8s give it a value.

`LKA_TRUSTED_PROXIES` is one setting of the whole stack (lka_common.client_address): every
process of a deployment gets the same value, and no process has a variant of its own.
"""

from __future__ import annotations

import ipaddress
import json
import os
from typing import Any

import pytest
from deploy_support import (
    ENV_EXAMPLE,
    GATEWAY_PORT,
    OVERLAYS,
    SERVICES,
    container_env,
    processes,
    read_env_file,
    settings_class,
)
from kustomize_support import containers
from pydantic import SecretStr
from pydantic_settings import BaseSettings

from lka_acquirer_emulator.settings import EmulatorSettings
from lka_billing_simulator.settings import SimulatorSettings
from lka_common.settings import ServiceSettings
from lka_gateway.settings import GatewaySettings
from lka_mailcatcher.settings import MailCatcherSettings

# Read without the prefix as well (lka_common.settings: ServiceSettings' fallbacks, and the
# `shared_env` default factories of the gateway, the tools and `unsubscribe_secret`), so LKA_<NAME> provides them;
# `trusted_proxies` only so (lka_common.settings.trusted_proxies_field).
SHARED = {"environment", "amqp_url", "public_base_url", "redis_url", "trusted_proxies", "unsubscribe_secret"}
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# Values meant for a browser on the developer's machine, not for a container.
BROWSER_FACING = {"public_base_url", "public_url"}


def prefix(cls: type[BaseSettings]) -> str:
    return str(cls.model_config.get("env_prefix", ""))


def needed(cls: type[BaseSettings]) -> set[str]:
    fields = set()
    for name, field in cls.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if (
            field.is_required()
            or field.annotation is SecretStr
            or (any(host in str(default) for host in LOOPBACK) and name not in BROWSER_FACING)
        ):
            fields.add(name)
    if issubclass(cls, ServiceSettings):
        fields |= {"database_url", "amqp_url", "public_base_url", "environment"}
    return fields


def missing(cls: type[BaseSettings], env: dict[str, str]) -> set[str]:
    def provided(name: str) -> bool:
        own = f"{prefix(cls)}{name.upper()}" in env
        reads_shared = issubclass(cls, ServiceSettings) or cls.model_fields[name].default_factory is not None
        shared = name in SHARED and reads_shared and f"LKA_{name.upper()}" in env
        return own or shared

    return {name for name in needed(cls) if not provided(name)}


def load(cls: type[BaseSettings], env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> BaseSettings:
    for key in list(os.environ):
        if key.startswith("LKA_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return cls()


def loopback_values(settings: BaseSettings) -> list[str]:
    found = []
    for name, value in settings:
        text = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if name not in BROWSER_FACING and any(h in text for h in LOOPBACK):
            found.append(f"{name}={text}")
    return found


def check_no_per_process_trust(env: dict[str, str]) -> None:
    own = [key for key in env if key.endswith("_TRUSTED_PROXIES") and key != "LKA_TRUSTED_PROXIES"]
    assert not own, f"a process's own trusted proxies: {own}"


def check_ports(settings: Any, svc: str) -> None:
    port = SERVICES[svc]
    assert (settings.http_port, settings.consumer_health_port, settings.relay_health_port) == (
        port,
        port + 100,
        port + 200,
    )
    assert settings.http_host == "0.0.0.0"


# --- docker-compose ---------------------------------------------------------------------------


@pytest.mark.parametrize("svc", sorted(SERVICES))
def test_compose_gives_every_service_what_it_needs(svc: str, monkeypatch: pytest.MonkeyPatch) -> None:
    env = read_env_file(ENV_EXAMPLE)
    cls = settings_class(svc)
    assert not missing(cls, env)
    check_no_per_process_trust(env)
    settings = load(cls, env, monkeypatch)
    assert not loopback_values(settings)
    check_ports(settings, svc)


@pytest.mark.parametrize("cls", [GatewaySettings, MailCatcherSettings, EmulatorSettings, SimulatorSettings])
def test_compose_gives_the_gateway_and_tools_what_they_need(
    cls: type[BaseSettings], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = read_env_file(ENV_EXAMPLE)
    assert not missing(cls, env)
    assert not loopback_values(load(cls, env, monkeypatch))


def test_compose_acquirer_credentials_match_the_emulator() -> None:
    env = read_env_file(ENV_EXAMPLE)
    for field in ("USER_NAME", "PASSWORD", "CALLBACK_KEY"):
        assert env[f"LKA_PAYMENTS_RBS_{field}"] == env[f"LKA_ACQUIRER_EMULATOR_{field}"]


# --- Kubernetes --------------------------------------------------------------------------------


def platform_values(env: dict[str, str]) -> dict[str, str]:
    """What the platform's Secrets would hold: any non-placeholder value."""
    return {key: ("from-the-platform" if value == "<secret>" else value) for key, value in env.items()}


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("svc", sorted(SERVICES))
def test_kubernetes_gives_every_service_what_it_needs(
    rendered: dict[str, list[dict[str, Any]]], overlay: str, svc: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    objects = rendered[overlay]
    cls = settings_class(svc)
    workloads = [o for o in objects if o["metadata"]["name"].startswith(f"{svc}-") and containers(o)]
    assert {o["metadata"]["name"] for o in workloads} == {f"{svc}-{p}" for p in (*processes(svc), "migrate")}
    for workload in workloads:
        (container,) = containers(workload)
        env = container_env(objects, container)
        assert not missing(cls, env), workload["metadata"]["name"]
        check_no_per_process_trust(env)
        # Secrets stay in Secrets: no database password or acquirer key in a ConfigMap.
        for name in needed(cls):
            key = f"{prefix(cls)}{name.upper()}"
            if name == "database_url" or cls.model_fields[name].annotation is SecretStr:
                assert env.get(key) == "<secret>", key
        # In prod this also proves no placeholder secret reaches a production process.
        settings = load(cls, platform_values(env), monkeypatch)
        assert isinstance(settings, ServiceSettings)
        assert settings.environment == ("production" if overlay == "prod" else "development")
        assert not loopback_values(settings)
        check_ports(settings, svc)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubernetes_gives_the_gateway_what_it_needs(
    rendered: dict[str, list[dict[str, Any]]], overlay: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    objects = rendered[overlay]
    (container,) = containers(
        next(o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == "gateway")
    )
    env = container_env(objects, container)
    assert not missing(GatewaySettings, env)
    check_no_per_process_trust(env)
    settings = load(GatewaySettings, platform_values(env), monkeypatch)
    assert isinstance(settings, GatewaySettings)
    assert settings.port == GATEWAY_PORT and settings.host == "0.0.0.0"
    assert settings.upstreams() == {svc: f"http://{svc}:{port}" for svc, port in SERVICES.items()}
    assert not loopback_values(settings)


# --- the client address: one setting, and tight --------------------------------------------


def test_compose_trusts_only_the_gateways_own_address(compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Services believe the gateway's X-Forwarded-For and nobody else's; the gateway, with
    nothing in front of it, believes none (its own address never calls it). Never a private
    range: any container could then choose its client address."""
    env = read_env_file(ENV_EXAMPLE)
    check_no_per_process_trust(env)
    gateway_address = compose["services"]["gateway"]["networks"]["default"]["ipv4_address"]
    (subnet,) = [pool["subnet"] for pool in compose["networks"]["default"]["ipam"]["config"]]
    assert ipaddress.ip_address(gateway_address) in ipaddress.ip_network(subnet)
    assert json.loads(env["LKA_TRUSTED_PROXIES"]) == [f"{gateway_address}/32"]
    for cls in [GatewaySettings, *(settings_class(svc) for svc in sorted(SERVICES))]:
        assert load(cls, env, monkeypatch).trusted_proxies == [f"{gateway_address}/32"], cls.__name__


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubernetes_gives_the_gateway_and_every_api_the_same_trusted_proxies(
    rendered: dict[str, list[dict[str, Any]]], overlay: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    objects = rendered[overlay]
    shared = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "lka-shared")
    networks = json.loads(shared["data"]["LKA_TRUSTED_PROXIES"])
    assert networks and all(ipaddress.ip_network(n).is_private for n in networks)
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    readers = {"gateway": GatewaySettings, **{f"{svc}-api": settings_class(svc) for svc in SERVICES}}
    for name, cls in readers.items():
        (container,) = containers(deployments[name])
        settings = load(cls, platform_values(container_env(objects, container)), monkeypatch)
        assert settings.trusted_proxies == networks, name

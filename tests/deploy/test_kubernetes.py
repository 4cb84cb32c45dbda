"""deploy/k8s: the overlays render, every object is valid Kubernetes, and the workloads are wired
to the real ports, probes, images and secrets."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest
import yaml
from deploy_support import COMPOSE_FILE, DEFAULT_TAG, GATEWAY_PORT, K8S, OVERLAYS, SERVICES, find, processes
from kustomize_support import containers, load_documents, pod_specs, render, split_image

from lka_common.web import GRACEFUL_SHUTDOWN_S

Objects = list[dict[str, Any]]
# The oldest Kubernetes the manifests must be valid for (schemas shipped by kubernetes-validate).
KUBERNETES_VERSION = "1.30.0"
NAMESPACES = {"dev": "lka-dev", "prod": "lka"}
# The gateway's /metrics, on a port of its own (lka_gateway.metrics_listener); every other
# process serves it on its probe port.
GATEWAY_METRICS_PORT = 8100
INGRESS_NAMESPACE = "ingress-nginx"
# The Prometheus Operator's custom resources (deploy/k8s/optional/monitoring), which the
# Kubernetes schemas do not know.
PROMETHEUS_OPERATOR_API = "monitoring.coreos.com/v1"


def workloads() -> list[tuple[str, str, int]]:
    """(Deployment, component, probe port) of every long-running process."""
    result = [("gateway", "api", GATEWAY_PORT)]
    offsets = {"api": 0, "consumer": 100, "relay": 200}
    for svc, port in SERVICES.items():
        result += [(f"{svc}-{process}", process, port + offsets[process]) for process in processes(svc)]
    return result


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_object_is_valid_kubernetes(rendered: dict[str, Objects], overlay: str) -> None:
    errors = []
    for obj in rendered[overlay]:
        if obj["apiVersion"] == PROMETHEUS_OPERATOR_API:
            continue  # no schema in Kubernetes's own: checked below, object by object
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{obj['kind']}/{obj['metadata']['name']}: {error.message} at {list(error.path)}")
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_names_unique_and_namespaced(rendered: dict[str, Objects], overlay: str) -> None:
    objects = rendered[overlay]
    keys = [(o["kind"], o["metadata"]["name"]) for o in objects]
    assert len(keys) == len(set(keys))
    (namespace,) = [o for o in objects if o["kind"] == "Namespace"]
    assert namespace["metadata"]["name"] == NAMESPACES[overlay]
    assert all(o["metadata"]["namespace"] == NAMESPACES[overlay] for o in objects if o["kind"] != "Namespace")


def test_no_secret_is_rendered_and_the_example_is_left_out(rendered: dict[str, Objects]) -> None:
    for objects in rendered.values():
        assert not [o for o in objects if o["kind"] == "Secret"]
    kustomization = yaml.safe_load((K8S / "base" / "kustomization.yaml").read_text(encoding="utf-8"))
    assert "secret.example.yaml" not in kustomization["resources"]
    for secret in load_documents(K8S / "base" / "secret.example.yaml"):
        assert all("CHANGE_ME" in value or "@" not in value for value in secret["stringData"].values())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_process_has_a_deployment_with_probes_on_its_port(rendered: dict[str, Objects], overlay: str) -> None:
    objects = rendered[overlay]
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    assert set(deployments) == {name for name, _, _ in workloads()}
    for name, component, port in workloads():
        deployment = deployments[name]
        (container,) = containers(deployment)
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        metrics_port = GATEWAY_METRICS_PORT if name == "gateway" else port
        assert list(ports.values()) == sorted({port, metrics_port}), name
        for kind, path in (("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
            get = container[kind]["httpGet"]
            assert get["path"] == path, (name, kind)
            assert ports[get["port"]] == port, (name, kind)
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(metrics_port),
            "prometheus.io/path": "/metrics",
        }
        assert deployment["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == component
        # The package's own image (a service's is built with its args: tests/deploy/test_compose.py).
        package = "gateway" if name == "gateway" else name.rsplit("-", 1)[0]
        image = split_image(container["image"])[0]
        assert image == f"lka/{package}" or image.endswith(f"/lka/{package}"), (name, image)
        if name != "gateway":
            assert container["command"] == ["python", "-m", f"lka_{package}.entrypoints.{component}"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_http_servers_drain_before_they_stop(rendered: dict[str, Objects], overlay: str) -> None:
    """Every API and the gateway wait in preStop while the endpoints forget them, then get
    SIGTERM and finish what is in flight (lka_common.web.GRACEFUL_SHUTDOWN_S), all within the
    grace period."""
    deployments = {o["metadata"]["name"]: o for o in rendered[overlay] if o["kind"] == "Deployment"}
    for name, component, _ in workloads():
        if component != "api":
            continue
        pod = deployments[name]["spec"]["template"]["spec"]
        (container,) = containers(deployments[name])
        command = container["lifecycle"]["preStop"]["exec"]["command"]
        assert command[0] == "sleep", name
        assert int(command[1]) + GRACEFUL_SHUTDOWN_S < pod["terminationGracePeriodSeconds"], name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_are_locked_down_and_sized(rendered: dict[str, Objects], overlay: str) -> None:
    for obj in rendered[overlay]:
        for pod in pod_specs(obj):
            assert pod["securityContext"]["runAsNonRoot"] is True
            assert pod["securityContext"]["runAsUser"] == 10001  # the USER of the Dockerfiles
            assert pod["automountServiceAccountToken"] is False
            for container in pod["containers"]:
                context = container["securityContext"]
                assert context["readOnlyRootFilesystem"] is True
                assert context["allowPrivilegeEscalation"] is False
                assert context["capabilities"]["drop"] == ["ALL"]
                assert {"cpu", "memory"} <= set(container["resources"]["requests"])
                assert {"cpu", "memory"} <= set(container["resources"]["limits"])
                # A read-only root needs a writable /tmp.
                assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]  # noqa: S108 - an emptyDir, not a shared /tmp


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_migration_job_per_service(rendered: dict[str, Objects], overlay: str) -> None:
    for svc in SERVICES:
        job = find(rendered[overlay], "Job", f"{svc}-migrate")
        (container,) = containers(job)
        assert container["command"] == ["alembic", "upgrade", "head"]
        assert container["workingDir"] == f"/app/services/{svc}"  # where the image keeps alembic.ini
        assert (
            split_image(container["image"])[0]
            == split_image(containers(find(rendered[overlay], "Deployment", f"{svc}-api"))[0]["image"])[0]
        )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_autoscaling_and_budgets(rendered: dict[str, Objects], overlay: str) -> None:
    objects = rendered[overlay]
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    hpas = {o["spec"]["scaleTargetRef"]["name"] for o in objects if o["kind"] == "HorizontalPodAutoscaler"}
    assert hpas == {"gateway"} | {f"{svc}-{c}" for svc in SERVICES for c in processes(svc) if c != "relay"}
    for pdb in [o for o in objects if o["kind"] == "PodDisruptionBudget"]:
        selector = pdb["spec"]["selector"]["matchLabels"]
        assert [
            n for n, d in deployments.items() if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
    assert {o["metadata"]["name"] for o in objects if o["kind"] == "PodDisruptionBudget"} == set(deployments)
    for svc, port in {**SERVICES, "gateway": GATEWAY_PORT}.items():
        service = find(objects, "Service", svc)
        (service_port,) = service["spec"]["ports"]
        assert service_port["port"] == port
        target = deployments[svc if svc == "gateway" else f"{svc}-api"]
        assert service["spec"]["selector"].items() <= target["spec"]["template"]["metadata"]["labels"].items()
        assert service_port["targetPort"] in {p["name"] for p in containers(target)[0]["ports"]}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_gateway_ingress_has_tls(rendered: dict[str, Objects], overlay: str) -> None:
    ingress = find(rendered[overlay], "Ingress", "gateway")
    (tls,) = ingress["spec"]["tls"]
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] in tls["hosts"] and tls["secretName"]
    (path,) = rule["http"]["paths"]
    assert path["backend"]["service"] == {"name": "gateway", "port": {"name": "http"}}


def _policy(objects: Objects, name: str) -> dict[str, Any]:
    spec: dict[str, Any] = find(objects, "NetworkPolicy", name)["spec"]
    return spec


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies(rendered: dict[str, Objects], overlay: str) -> None:
    objects = rendered[overlay]
    assert _policy(objects, "default-deny") == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    for svc, port in SERVICES.items():
        api = _policy(objects, f"{svc}-api-ingress")
        allowed, _monitoring = api["ingress"]
        sources = [peer["podSelector"]["matchLabels"] for peer in allowed["from"]]
        workers = [process for process in processes(svc) if process != "api"]
        expected = [
            {"app.kubernetes.io/name": "gateway"},
            *({"app.kubernetes.io/name": svc, "app.kubernetes.io/component": worker} for worker in workers),
        ]
        if svc == "identity":  # every token verifier reads the JWKS
            expected.append({"app.kubernetes.io/part-of": "lka"})
        assert sources == expected
        assert allowed["ports"] == [{"protocol": "TCP", "port": port}]
        # Monitoring scrapes exactly the workers the service runs, on their probe ports.
        scraped = _policy(objects, f"{svc}-workers-ingress")
        (expression,) = scraped["podSelector"]["matchExpressions"]
        assert expression["values"] == workers
        (rule,) = scraped["ingress"]
        assert rule["ports"] == [
            {"protocol": "TCP", "port": port + (100 if worker == "consumer" else 200)} for worker in workers
        ]
        egress_ports = {p["port"] for rule in _policy(objects, f"{svc}-egress")["egress"] for p in rule["ports"]}
        assert {5432, 5672, 8001} <= egress_ports
        assert (443 in egress_ports) == (svc == "payments"), "only payments talks to the acquirer"


def _namespace(name: str) -> dict[str, Any]:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_metrics_and_the_services_apis_are_out_of_the_ingress_reach(rendered: dict[str, Objects], overlay: str) -> None:
    """The Ingress reaches the gateway's public port only: the gateway's metrics port is in no
    Service and open to the monitoring namespace alone; no service's API port (which serves
    /metrics too) is open to the ingress controller's namespace."""
    objects = rendered[overlay]
    gateway = find(objects, "Deployment", "gateway")
    (container,) = containers(gateway)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": GATEWAY_PORT, "metrics": GATEWAY_METRICS_PORT}
    env = {**find(objects, "ConfigMap", "gateway-config")["data"]}
    assert env["LKA_GATEWAY_METRICS_PORT"] == str(GATEWAY_METRICS_PORT)
    assert [p["port"] for p in find(objects, "Service", "gateway")["spec"]["ports"]] == [GATEWAY_PORT]
    public, monitoring = _policy(objects, "gateway-ingress")["ingress"]
    assert public["from"] == [_namespace(INGRESS_NAMESPACE)]
    assert public["ports"] == [{"protocol": "TCP", "port": GATEWAY_PORT}]
    assert monitoring["from"] == [_namespace("monitoring")]
    assert monitoring["ports"] == [{"protocol": "TCP", "port": GATEWAY_METRICS_PORT}]
    for ingress in [o for o in objects if o["kind"] == "Ingress"]:
        backends = [path["backend"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]
        assert all(b["service"] == {"name": "gateway", "port": {"name": "http"}} for b in backends)
    for policy in [o for o in objects if o["kind"] == "NetworkPolicy" and "Ingress" in o["spec"]["policyTypes"]]:
        selected = policy["spec"]["podSelector"].get("matchLabels", {})
        if selected.get("app.kubernetes.io/name") in SERVICES:
            namespaces = [
                peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                for rule in policy["spec"]["ingress"]
                for peer in rule["from"]
                if "namespaceSelector" in peer
            ]
            assert set(namespaces) <= {"monitoring"}, policy["metadata"]["name"]
            assert all("ipBlock" not in peer for rule in policy["spec"]["ingress"] for peer in rule["from"])


def test_images_agree_with_compose(rendered: dict[str, Objects]) -> None:
    compose = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    compose_images = {s["image"].partition(":")[0] for s in compose["services"].values() if "build" in s}
    base_images = {split_image(c["image"]) for o in render(K8S / "base") for c in containers(o)}
    assert {name for name, _ in base_images} <= compose_images
    assert {tag for _, tag in base_images} == {DEFAULT_TAG}
    dev = {split_image(c["image"]) for o in rendered["dev"] for c in containers(o)}
    assert dev == base_images
    prod = {split_image(c["image"]) for o in rendered["prod"] for c in containers(o)}
    assert {name.split("/", 1)[1] for name, _ in prod} == {name for name, _ in base_images}
    (prod_tag,) = {tag for _, tag in prod}
    assert prod_tag not in {DEFAULT_TAG, "latest"}


def test_optional_operator_manifests_parse() -> None:
    kinds = {o["kind"] for path in (K8S / "optional").glob("*.yaml") for o in load_documents(path)}
    assert kinds == {"RabbitmqCluster", "Cluster", "ScheduledBackup"}


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A LabelSelector's matchLabels and its In / NotIn matchExpressions."""
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions", []):
        inside = labels.get(expression["key"]) in expression["values"]
        if inside != (expression["operator"] == "In"):
            return False
    return True


def test_prod_scrapes_every_process_once_on_its_metrics_port_with_the_dashboards_labels(
    rendered: dict[str, Objects],
) -> None:
    """The PodMonitors of the prod overlay reach every long-running process's /metrics and no other
    port (the gateway's public one has none), and label each target `job` (its kind of process)
    and `service`, as compose's Prometheus does (deploy/monitoring/prometheus/prometheus.yml)."""
    objects = rendered["prod"]
    monitors = [o for o in objects if o["kind"] == "PodMonitor"]
    assert {o["apiVersion"] for o in objects if o["kind"] in {"PodMonitor", "PrometheusRule"}} == {
        PROMETHEUS_OPERATOR_API
    }
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    for name, component, _ in workloads():
        pod = deployments[name]["spec"]["template"]
        ports = {p["name"]: p["containerPort"] for p in containers(deployments[name])[0]["ports"]}
        scraped = [
            (monitor, endpoint)
            for monitor in monitors
            if _selects(monitor["spec"]["selector"], pod["metadata"]["labels"])
            for endpoint in monitor["spec"]["podMetricsEndpoints"]
            if endpoint["port"] in ports
        ]
        assert len(scraped) == 1, f"{name}: scraped by {len(scraped)} endpoints"
        endpoint = scraped[0][1]
        assert ports[endpoint["port"]] == int(pod["metadata"]["annotations"]["prometheus.io/port"]), name
        assert endpoint["path"] == "/metrics"
        relabeled = {rule["targetLabel"]: rule for rule in endpoint["relabelings"]}
        if name == "gateway":
            assert (relabeled["job"]["replacement"], relabeled["service"]["replacement"]) == ("gateway", "gateway")
        else:
            source = "__meta_kubernetes_pod_label_app_kubernetes_io_"
            assert relabeled["job"]["sourceLabels"] == [source + "component"], name
            assert relabeled["service"]["sourceLabels"] == [source + "name"], name
            assert pod["metadata"]["labels"]["app.kubernetes.io/component"] == component
    (rule,) = [o for o in objects if o["kind"] == "PrometheusRule"]
    assert rule["spec"]["groups"], "the alerts (tests/monitoring/test_alert_rules.py keeps them equal to the file)"
    assert not [o for o in rendered["dev"] if o["apiVersion"] == PROMETHEUS_OPERATOR_API]

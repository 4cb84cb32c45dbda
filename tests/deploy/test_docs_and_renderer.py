"""The Deploy section of docs/operations.md covers what the issue asks, and the test renderer
behaves like kustomize where the manifests rely on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from deploy_support import ROOT
from kustomize_support import RenderError, render, strategic_merge

OPERATIONS = ROOT / "docs" / "operations.md"


def test_operations_has_a_deploy_section() -> None:
    text = OPERATIONS.read_text(encoding="utf-8")
    assert "## Connection budget" in text  # the existing sections stay
    deploy = text.split("\n## Deploy\n", 1)[1]
    for needle in (
        "docker compose up",
        "kubectl apply -k deploy/k8s/overlays/prod",
        "alembic upgrade head",
        "python -m lka_identity.entrypoints.rotate_key",
        "payments-secrets",
        "lka.events.unrouted",
        ".dlq",
        "pg_dump",
        "lka_outbox_lag_seconds",
        "lka_dead_letter_queue_messages",
        "lka_http_requests_total",
        "max_connections",
    ):
        assert needle in deploy, needle


def test_strategic_merge_merges_named_lists_and_replaces_others() -> None:
    base = {"containers": [{"name": "a", "image": "x", "args": ["1"]}], "hosts": ["h1"]}
    patch = {"containers": [{"name": "a", "args": ["2"]}, {"name": "b"}], "hosts": ["h2"]}
    assert strategic_merge(base, patch) == {
        "containers": [{"name": "a", "image": "x", "args": ["2"]}, {"name": "b"}],
        "hosts": ["h2"],
    }


def test_unknown_kustomize_fields_are_refused(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: []\ncommonLabels: {a: b}\n")
    with pytest.raises(RenderError, match="commonLabels"):
        render(tmp_path)


def _write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    return directory


VALUES = """apiVersion: example.invalid/v1
kind: Values
metadata: {name: shop, annotations: {config.kubernetes.io/local-config: "true"}}
data: {port: "8080"}
"""
WORKLOAD = """apiVersion: v1
kind: Service
metadata: {name: SVC-web, labels: {tier: web}}
spec:
  selector: {app: SVC}
  ports: [{port: 0, targetPort: web}]
"""


def test_a_component_is_applied_to_what_is_accumulated_and_replacements_keep_the_target_type(tmp_path: Path) -> None:
    """kustomize's order: resources, then each component (its resources, then its transformers
    over everything so far), then the kustomization's own transformers; a local-config object
    can feed a replacement and is left out of the output."""
    _write(
        tmp_path,
        {
            "app/kustomization.yaml": "resources: [values.yaml]\ncomponents: [../web]\nnamespace: shop\n",
            "app/values.yaml": VALUES,
            "web/kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources: [web.yaml]
replacements:
  - source: {kind: Values, fieldPath: data.port}
    targets:
      - select: {kind: Service, labelSelector: tier=web}
        fieldPaths: [spec.ports.0.port]
  - source: {kind: Values}
    targets:
      - select: {kind: Service}
        fieldPaths: [metadata.name, spec.selector.app]
        options: {delimiter: "-"}
""",
            "web/web.yaml": WORKLOAD,
        },
    )
    (service,) = render(tmp_path / "app")
    assert service["metadata"] == {"name": "shop-web", "labels": {"tier": "web"}, "namespace": "shop"}
    assert service["spec"] == {"selector": {"app": "shop"}, "ports": [{"port": 8080, "targetPort": "web"}]}


@pytest.mark.parametrize(("index", "expected"), [(0, "x/b/c"), (2, "a/b/x"), (5, "a/b/c/x"), (-1, "x/a/b/c")])
def test_a_replacement_with_a_delimiter_replaces_prefixes_or_appends(tmp_path: Path, index: int, expected: str) -> None:
    _write(
        tmp_path,
        {
            "kustomization.yaml": f"""resources: [objects.yaml]
replacements:
  - source: {{kind: ConfigMap, name: source, fieldPath: data.value}}
    targets:
      - select: {{kind: ConfigMap, name: target}}
        fieldPaths: [data.path]
        options: {{delimiter: /, index: {index}}}
""",
            "objects.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata: {name: source}\ndata: {value: x}\n---\n"
            "kind: ConfigMap\napiVersion: v1\nmetadata: {name: target}\ndata: {path: a/b/c}\n",
        },
    )
    assert [o["data"] for o in render(tmp_path)][1] == {"path": expected}


@pytest.mark.parametrize(
    ("target", "refused"),
    [
        ("{select: {kind: Service}, fieldPaths: [spec.missing]}", "unable to find field"),
        ("{select: {kind: Service}, fieldPaths: ['spec.ports.[name=web].port']}", r"\[name=web\]"),
        ("{select: {kind: Service}, fieldPaths: [spec.ports.0.port], options: {create: true}}", "options"),
        ("{select: {kind: Service, name: 'SVC-.*'}}", "plain names"),
        ("{select: {kind: Service, labelSelector: 'tier in (web)'}}", "equality label selectors"),
        ("{select: {kind: Service}, reject: [{kind: Job}]}", "target fields"),
    ],
)
def test_replacement_features_beyond_the_subset_are_refused(tmp_path: Path, target: str, refused: str) -> None:
    _write(
        tmp_path,
        {
            "kustomization.yaml": "resources: [values.yaml, web.yaml]\nreplacements:\n"
            f"  - source: {{kind: Values, fieldPath: data.port}}\n    targets: [{target}]\n",
            "values.yaml": VALUES,
            "web.yaml": WORKLOAD,
        },
    )
    with pytest.raises(RenderError, match=refused):
        render(tmp_path)


def test_components_and_kustomizations_are_not_interchangeable(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app/kustomization.yaml": "resources: [../web]\n",
            "web/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
            "other/kustomization.yaml": "components: [../plain]\n",
            "plain/kustomization.yaml": "resources: []\n",
        },
    )
    with pytest.raises(RenderError, match="expected kind Kustomization"):
        render(tmp_path / "app")
    with pytest.raises(RenderError, match="expected kind Component"):
        render(tmp_path / "other")


def test_the_same_object_twice_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, {"kustomization.yaml": "resources: [web.yaml, again/web.yaml]\n", "web.yaml": WORKLOAD})
    _write(tmp_path, {"again/web.yaml": WORKLOAD})
    with pytest.raises(RenderError, match="already registered"):
        render(tmp_path)

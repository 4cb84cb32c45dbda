"""The Deploy section of docs/operations.md covers what the issue asks, and the test renderer
behaves like kustomize where the manifests rely on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from deploy_support import ROOT, RenderError, render, strategic_merge

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
